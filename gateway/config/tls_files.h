// Checks of the PEM files the config names for TLS (admin server certificate and key, CA
// files, the push client certificate and key), so `tributary check`, the start and a
// SIGHUP reload refuse unusable material before anything serves with it.
// Thread-safe; reads the files, touches nothing else.
#pragma once

#include <optional>
#include <string>

namespace tributary::config {

// The reason (e.g. "holds no PEM certificate") when `path` is not a PEM file holding at
// least one X.509 certificate; nullopt when it is. Existence and readability are checked
// by the caller first.
std::optional<std::string> CheckPemCertificates(const std::string& path);

// The reason when `path` is not an unencrypted PEM private key; nullopt when it is.
std::optional<std::string> CheckPemPrivateKey(const std::string& path);

// The reason when the key in `key_path` is not the one of the first certificate in
// `cert_path` (both already checked); nullopt when it is.
std::optional<std::string> CheckKeyMatchesCertificate(const std::string& cert_path, const std::string& key_path);

}  // namespace tributary::config
