#include "connectors/sftp/host_keys.h"

#include <algorithm>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace tributary::connectors::sftp {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool Base64Decode(std::string_view text, std::string& out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  out.assign(text.size() / 4 * 3, '\0');
  int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (written < 0) return false;
  // EVP_DecodeBlock counts padding as zero bytes.
  size_t padding = static_cast<size_t>(std::count(text.end() - 2, text.end(), '='));
  out.resize(static_cast<size_t>(written) - padding);
  return true;
}

}  // namespace

std::string KnownHostsName(const std::string& host, uint16_t port) {
  if (port == 22) return host;
  return "[" + host + "]:" + std::to_string(port);
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string FingerprintSha256(std::string_view key_blob) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key_blob.data()), key_blob.size(), digest);
  std::string encoded = Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return "SHA256:" + encoded;
}

std::string FormatKnownHostsLine(const std::string& name, const std::string& key_type, std::string_view key_blob) {
  return name + " " + key_type + " " + Base64Encode(key_blob);
}

bool HostFieldMatches(std::string_view field, const std::string& name) {
  if (field.starts_with("|1|")) {
    std::string_view rest = field.substr(3);
    size_t bar = rest.find('|');
    if (bar == std::string_view::npos) return false;
    std::string salt, expected;
    if (!Base64Decode(rest.substr(0, bar), salt) || !Base64Decode(rest.substr(bar + 1), expected)) return false;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_size = 0;
    HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()), reinterpret_cast<const unsigned char*>(name.data()),
         name.size(), mac, &mac_size);
    return expected == std::string_view(reinterpret_cast<const char*>(mac), mac_size);
  }
  size_t start = 0;
  while (start <= field.size()) {
    size_t comma = field.find(',', start);
    std::string_view pattern = field.substr(start, comma == std::string_view::npos ? field.npos : comma - start);
    if (pattern == name) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

std::vector<std::string> KnownKeyTypes(std::string_view known_hosts_text, const std::vector<std::string>& names) {
  std::vector<std::string> types;
  std::istringstream lines{std::string(known_hosts_text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string_view> fields = SplitFields(line);
    if (fields.size() < 3 || fields[0].starts_with('#') || fields[0].starts_with('@')) continue;
    bool matches = std::any_of(names.begin(), names.end(),
                               [&](const std::string& name) { return HostFieldMatches(fields[0], name); });
    std::string type(fields[1]);
    if (matches && std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
  }
  return types;
}

}  // namespace tributary::connectors::sftp
