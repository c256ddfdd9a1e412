// SecretKey: the key file (creation, mode and size checks) and AES-256-GCM sealing.
#include "gateway/store/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace tributary::store {
namespace {

class SecretBoxTest : public ::testing::Test {
 protected:
  std::string KeyPath() const { return dir_.File("tributary.key"); }
  void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
    std::ofstream(path, std::ios::binary) << text;
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }
  tributary::testing::TempDir dir_;
};

TEST_F(SecretBoxTest, KeyFileIsNextToTheDatabase) {
  EXPECT_EQ(KeyFileFor("/var/lib/tributary/tributary.db"), "/var/lib/tributary/tributary.key");
}

TEST_F(SecretBoxTest, CreatesAPrivateKeyOnceAndReadsItBack) {
  EXPECT_EQ(SecretKey::Load(KeyPath()).error().code, ErrorCode::kNotFound);
  auto created = SecretKey::LoadOrCreate(KeyPath());
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  struct stat info {};
  ASSERT_EQ(::stat(KeyPath().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(info.st_size, 65);  // 64 hex digits and a newline

  auto sealed = created->Seal("refresh-token-text", "row 1");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_TRUE(IsSealed(*sealed));
  EXPECT_EQ(sealed->find("refresh-token-text"), std::string::npos);
  // A second LoadOrCreate (another process racing) reads the same key.
  auto again = SecretKey::LoadOrCreate(KeyPath());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->Open(*sealed, "row 1").value_or("?"), "refresh-token-text");
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()), std::filesystem::directory_iterator()), 1);
}

TEST_F(SecretBoxTest, RacingCreatorsAllEndWithTheSameKey) {
  constexpr int kRacers = 8;
  std::vector<std::optional<SecretKey>> keys(kRacers);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      auto key = SecretKey::LoadOrCreate(KeyPath());
      if (key) keys[i] = std::move(*key);
    });
  }
  for (auto& racer : racers) racer.join();
  ASSERT_TRUE(keys[0].has_value());
  auto sealed = keys[0]->Seal("token", "ctx");
  ASSERT_TRUE(sealed.has_value());
  for (const auto& key : keys) {
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->Open(*sealed, "ctx").value_or("?"), "token");
  }
}

TEST_F(SecretBoxTest, EachSealUsesAFreshNonce) {
  auto key = SecretKey::LoadOrCreate(KeyPath());
  ASSERT_TRUE(key.has_value());
  auto first = key->Seal("same", "ctx");
  auto second = key->Seal("same", "ctx");
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, *second);
  EXPECT_EQ(key->Open(*second, "ctx").value_or("?"), "same");
  auto empty = key->Seal("", "ctx");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(key->Open(*empty, "ctx").value_or("?"), "");
}

TEST_F(SecretBoxTest, AnotherContextAnotherKeyOrAnAlteredValueDoNotOpen) {
  auto key = SecretKey::LoadOrCreate(KeyPath());
  ASSERT_TRUE(key.has_value());
  auto sealed = key->Seal("secret", "row 1;refresh_token");
  ASSERT_TRUE(sealed.has_value());
  auto moved = key->Open(*sealed, "row 2;refresh_token");
  ASSERT_FALSE(moved.has_value());
  EXPECT_NE(moved.error().message.find("a different key, or an altered value"), std::string::npos);

  std::string altered = *sealed;
  altered[kSealedPrefix.size() + 20] = altered[kSealedPrefix.size() + 20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(key->Open(altered, "row 1;refresh_token").has_value());
  EXPECT_FALSE(key->Open("enc1:", "row 1;refresh_token").has_value());
  EXPECT_FALSE(key->Open("enc1:not base64!", "row 1;refresh_token").has_value());

  const std::string other_path = dir_.File("other.key");
  auto other = SecretKey::LoadOrCreate(other_path);
  ASSERT_TRUE(other.has_value());
  auto wrong = other->Open(*sealed, "row 1;refresh_token");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find(other_path), std::string::npos);
}

TEST_F(SecretBoxTest, CreatedByRootTheKeyBelongsToTheStateFolderOwner) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give files away";
  constexpr uid_t kDaemonUser = 65534;  // nobody, standing in for the daemon's user
  constexpr gid_t kDaemonGroup = 65534;
  const std::string folder = dir_.File("state");
  ASSERT_EQ(::mkdir(folder.c_str(), 0750), 0);
  ASSERT_EQ(::chown(folder.c_str(), kDaemonUser, kDaemonGroup), 0);
  ASSERT_TRUE(SecretKey::LoadOrCreate(folder + "/tributary.key").has_value());
  struct stat info {};
  ASSERT_EQ(::stat((folder + "/tributary.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, kDaemonUser);
  EXPECT_EQ(info.st_gid, kDaemonGroup);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(SecretBoxTest, AKeyFileOthersCanReadIsRefused) {
  WriteFile(KeyPath(), std::string(64, 'a') + "\n", 0644);
  auto loaded = SecretKey::LoadOrCreate(KeyPath());
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(loaded.error().message.find("has mode 0644"), std::string::npos) << loaded.error().message;
  EXPECT_NE(loaded.error().message.find("chmod 600"), std::string::npos);
  ASSERT_EQ(::chmod(KeyPath().c_str(), 0600), 0);
  EXPECT_TRUE(SecretKey::Load(KeyPath()).has_value());
}

TEST_F(SecretBoxTest, AKeyFileOfTheWrongSizeIsRefused) {
  WriteFile(KeyPath(), "0123456789abcdef\n", 0600);
  auto loaded = SecretKey::LoadOrCreate(KeyPath());
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(loaded.error().message.find("must hold 32 bytes"), std::string::npos) << loaded.error().message;
  WriteFile(KeyPath(), std::string(63, 'a') + "g", 0600);  // not hex
  EXPECT_FALSE(SecretKey::Load(KeyPath()).has_value());
  WriteFile(KeyPath(), std::string(32, '\x07'), 0600);  // 32 raw bytes
  EXPECT_TRUE(SecretKey::Load(KeyPath()).has_value());
}

}  // namespace
}  // namespace tributary::store
