// UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Sorts by
// creation time, so batch ids in logs and in the core read in delivery order.
#pragma once

#include <chrono>
#include <string>

#include "gateway/common/result.h"

namespace tributary::sync {

// A new UUIDv7 in its canonical text form (36 lowercase characters). The random bits
// come from OpenSSL's RAND_bytes; kInternal when it fails. Thread-safe.
Result<std::string> NewUuidV7(
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace tributary::sync
