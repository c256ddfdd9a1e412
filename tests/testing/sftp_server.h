// A throwaway OpenSSH sshd serving chrooted internal-sftp on a free loopback port, for
// end-to-end tests and benchmarks of the sftp connector. Needs root (chroot, a system
// user).
//
// What it leaves on the machine: the system user `sftptest` (sshd's ChrootDirectory needs
// a real non-root account; created once, idempotently, never removed) and /run/sshd (sshd's
// privilege-separation folder, which the openssh-server package also uses). Everything
// else lives in /run/tributary-sshd.XXXXXX and goes with the object: sshd and its session
// processes are killed, the folder removed. sshd also dies with the process that started
// it (PR_SET_PDEATHSIG), and folders left by a crashed run are swept by the next one.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace tributary::testing {

class SftpServer {
 public:
  // Why the server cannot run here (e.g. not root, no sshd), or "" when it can.
  static std::string UnavailableReason();

  // Generates host and client ed25519 keys, the test user `sftptest` and sshd_config in a
  // fresh /run/tributary-sshd.XXXXXX folder. Does not start sshd.
  SftpServer();
  ~SftpServer();  // kills sshd and its sessions, removes the folder
  SftpServer(const SftpServer&) = delete;
  SftpServer& operator=(const SftpServer&) = delete;

  // Starts sshd (on the same port after a Stop) and waits until it accepts connections;
  // false with the log on failure. Writes known_hosts on the first start.
  bool Start();
  // SIGTERM (or `signal`) and waits for the exit.
  void Stop(int signal = 15);
  // SIGKILLs sshd and every process it forked (open connections die mid-transfer).
  void Crash();

  uint16_t port() const { return port_; }
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path data_dir() const { return root_ / "chroot/data"; }    // "/data" on the server
  std::filesystem::path chroot_dir() const { return root_ / "chroot"; }       // "/" on the server
  std::filesystem::path client_key() const { return root_ / "client_ed25519"; }
  std::filesystem::path known_hosts() const { return root_ / "known_hosts"; }
  std::filesystem::path host_key() const { return root_ / "host_ed25519"; }
  // `SHA256:...` of the host key, as ssh-keygen -lf prints it.
  std::string HostFingerprint() const;
  // Writes a file under data_dir() as the sftp user would (owned by sftptest), atomically
  // (temp + rename). `relative` may hold sub-directories; missing ones are created (owned
  // by sftptest).
  void Put(const std::string& relative, const std::string& content) const;
  // Creates data_dir()/relative (and its parents), owned by sftptest.
  void MakeDataDir(const std::string& relative) const;
  // Generates a client key pair `root()/name` (ssh-keygen -t `type`, e.g. "ecdsa",
  // "ed25519", "rsa"), encrypted when `passphrase` is not empty; returns the private key.
  // Not authorized until AuthorizeKey.
  std::filesystem::path GenerateClientKey(const std::string& name, const std::string& type,
                                          const std::string& passphrase = "") const;
  // Adds `private_key`'s public half (`.pub`) to sftptest's authorized keys.
  void AuthorizeKey(const std::filesystem::path& private_key) const;
  // Adds an ECDSA host key to the server (before Start), so it offers two key types.
  void AddEcdsaHostKey();
  // Replaces the host key with a new one (restart to take effect).
  void RegenerateHostKey();
  std::string Log() const;

 private:
  std::filesystem::path root_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// Runs `command` with /bin/sh; returns its stdout (trimmed of the last newline).
std::string RunShell(const std::string& command, int* status = nullptr);

}  // namespace tributary::testing
