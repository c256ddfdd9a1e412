#include "gateway/sync/uuid.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>

namespace tributary::sync {

Result<std::string> NewUuidV7(std::chrono::system_clock::time_point now) {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data() + 6, 10) != 1) {
    return Fail(ErrorCode::kInternal, "RAND_bytes failed: no randomness for a batch id");
  }
  const auto millis = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(millis >> (40 - 8 * i));
  bytes[6] = static_cast<unsigned char>(0x70 | (bytes[6] & 0x0F));  // version 7
  bytes[8] = static_cast<unsigned char>(0x80 | (bytes[8] & 0x3F));  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0x0F];
  }
  return text;
}

}  // namespace tributary::sync
