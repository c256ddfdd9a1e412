#include <gtest/gtest.h>

#include "connectors/sftp/host_keys.h"

namespace tributary::connectors::sftp {
namespace {

TEST(SftpHostKeys, KnownHostsNameBracketsNonDefaultPorts) {
  EXPECT_EQ(KnownHostsName("sftp.example.com", 22), "sftp.example.com");
  EXPECT_EQ(KnownHostsName("127.0.0.1", 2222), "[127.0.0.1]:2222");
}

TEST(SftpHostKeys, FingerprintIsUnpaddedBase64OfSha256) {
  // SHA-256("abc") = ba7816bf...; its base64 ends with one '=' that ssh-keygen omits.
  EXPECT_EQ(FingerprintSha256("abc"), "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
}

TEST(SftpHostKeys, KnownHostsLine) {
  EXPECT_EQ(FormatKnownHostsLine("[h]:2222", "ssh-ed25519", "ab"), "[h]:2222 ssh-ed25519 YWI=");
}

TEST(SftpHostKeys, PlainAndHashedHostFieldsMatch) {
  EXPECT_TRUE(HostFieldMatches("a.example,[127.0.0.1]:2222", "[127.0.0.1]:2222"));
  EXPECT_FALSE(HostFieldMatches("a.example,[127.0.0.1]:2223", "[127.0.0.1]:2222"));
  // The `ssh-keygen -H` form of "[127.0.0.1]:2222" with a zero salt (20 bytes):
  // base64(HMAC-SHA1(salt, name)), computed with Python's hmac module.
  std::string hashed = "|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|";
  EXPECT_TRUE(HostFieldMatches(hashed + "ZHKpxsGz+c434FXmHvZDlYRXN2E=", "[127.0.0.1]:2222"));
  EXPECT_FALSE(HostFieldMatches(hashed + "ZHKpxsGz+c434FXmHvZDlYRXN2E=", "[127.0.0.1]:2223"));
  EXPECT_FALSE(HostFieldMatches(hashed + "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "[127.0.0.1]:2222"));
  EXPECT_FALSE(HostFieldMatches("|1|garbage", "x"));
}

TEST(SftpHostKeys, KeyTypesForTheHostInFileOrder) {
  std::string text =
      "# comment\n\n"
      "[127.0.0.1]:2222 ssh-ed25519 AAAA\n"
      "other.example ssh-rsa AAAA\n"
      "@cert-authority [127.0.0.1]:2222 ssh-rsa AAAA\n"
      "127.0.0.1 ecdsa-sha2-nistp256 AAAA\n"
      "[127.0.0.1]:2222 ssh-ed25519 BBBB\n";
  EXPECT_EQ(KnownKeyTypes(text, {"[127.0.0.1]:2222", "127.0.0.1"}),
            (std::vector<std::string>{"ssh-ed25519", "ecdsa-sha2-nistp256"}));
  EXPECT_TRUE(KnownKeyTypes(text, {"nowhere"}).empty());
}

}  // namespace
}  // namespace tributary::connectors::sftp
