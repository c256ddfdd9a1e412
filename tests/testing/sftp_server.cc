#include "tests/testing/sftp_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/testing/wait.h"

namespace tributary::testing {
namespace fs = std::filesystem;
namespace {

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

bool Accepts(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output << text;
}

}  // namespace

std::string RunShell(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    if (status != nullptr) *status = -1;
    return output;
  }
  std::array<char, 4096> buffer{};
  size_t read = 0;
  while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), read);
  int rc = pclose(pipe);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  if (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

std::string SftpServer::UnavailableReason() {
  if (geteuid() != 0) return "the SFTP tests need root (a chrooted sshd and a system user); run them as root as CI does";
  if (access("/usr/sbin/sshd", X_OK) != 0) return "/usr/sbin/sshd is missing (apt-get install openssh-server)";
  if (access("/usr/bin/ssh-keygen", X_OK) != 0) return "ssh-keygen is missing (apt-get install openssh-client)";
  return "";
}

namespace {

bool ProcessAlive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

// Folders a crashed run left behind: their sshd is gone and they are over an hour old.
void SweepAbandonedFolders() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/run", ec)) {
    if (!entry.path().filename().string().starts_with("tributary-sshd.")) continue;
    std::ifstream pid_file(entry.path() / "sshd.pid");
    pid_t pid = 0;
    if (pid_file >> pid && ProcessAlive(pid)) continue;
    auto age = fs::file_time_type::clock::now() - fs::last_write_time(entry.path(), ec);
    if (ec || age < std::chrono::hours(1)) continue;
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

SftpServer::SftpServer() {
  SweepAbandonedFolders();
  root_ = RunShell("mktemp -d /run/tributary-sshd.XXXXXX");
  const std::string b = root_.string();
  RunShell("chmod 755 '" + b + "'");
  // Idempotent, and serialised (flock on /run) because test processes run in parallel.
  RunShell(
      "flock /run sh -c 'getent passwd sftptest >/dev/null || useradd --system --user-group "
      "--home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin sftptest; "
      "[ \"$(getent shadow sftptest | cut -d: -f2)\" = \"*\" ] || usermod -p \"*\" sftptest; "
      "[ -d /run/sshd ] || mkdir -m 0755 /run/sshd'");
  RunShell("ssh-keygen -q -t ed25519 -N '' -C test-host -f '" + b + "/host_ed25519'");
  RunShell("ssh-keygen -q -t ed25519 -N '' -C test-client -f '" + b + "/client_ed25519'");
  RunShell("mkdir -p '" + b + "/keys' '" + b + "/chroot/data' && cp '" + b + "/client_ed25519.pub' '" + b +
           "/keys/sftptest' && chmod 644 '" + b + "/keys/sftptest' && chown -R sftptest:sftptest '" + b +
           "/chroot/data'");
  port_ = FreePort();
  std::ostringstream config;
  config << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey " << b << "/host_ed25519\nPidFile " << b
         << "/sshd.pid\nAuthorizedKeysFile " << b << "/keys/%u\n"
         << "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
         << "PermitRootLogin no\nUsePAM no\nAllowUsers sftptest\nAllowTcpForwarding no\nX11Forwarding no\n"
         << "PermitTTY no\nSubsystem sftp internal-sftp\nMatch User sftptest\n    ChrootDirectory " << b
         << "/chroot\n    ForceCommand internal-sftp\n";
  WriteText(root_ / "sshd_config", config.str());
}

SftpServer::~SftpServer() {
  Crash();
  std::error_code ignored;
  if (!root_.empty() && root_.string().starts_with("/run/tributary-sshd.")) fs::remove_all(root_, ignored);
}

bool SftpServer::Start() {
  if (pid_ > 0) return true;
  pid_t child = fork();
  if (child == 0) {
    // sshd dies with the test process, even when that one crashes.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    std::string config = (root_ / "sshd_config").string();
    std::string log = (root_ / "sshd.log").string();
    execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-f", config.c_str(), "-E", log.c_str(), nullptr);
    _exit(127);
  }
  pid_ = child;
  bool up = WaitUntil([&] {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) return true;
    return Accepts(port_);
  }, std::chrono::seconds(10));
  if (!up || !Accepts(port_)) return false;
  if (!fs::exists(known_hosts())) {
    RunShell("ssh-keyscan -p " + std::to_string(port_) + " -t ed25519 127.0.0.1 2>/dev/null > '" +
             known_hosts().string() + "'");
  }
  return true;
}

void SftpServer::Stop(int signal) {
  if (pid_ <= 0) return;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

namespace {

// Process ids whose parent is `parent`, from /proc.
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so parse after the last ')'.
    size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 1));
    std::string state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid == parent) children.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return children;
}

}  // namespace

void SftpServer::Crash() {
  if (pid_ <= 0) return;
  std::vector<pid_t> doomed = {pid_};
  for (size_t i = 0; i < doomed.size(); ++i) {
    for (pid_t child : ChildrenOf(doomed[i])) doomed.push_back(child);
  }
  for (pid_t pid : doomed) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string SftpServer::HostFingerprint() const {
  std::string line = RunShell("ssh-keygen -lf '" + (root_ / "host_ed25519.pub").string() + "'");
  std::istringstream fields(line);
  std::string bits, fingerprint;
  fields >> bits >> fingerprint;
  return fingerprint;
}

void SftpServer::MakeDataDir(const std::string& relative) const {
  fs::path folder = data_dir();
  for (const fs::path& part : fs::path(relative)) {
    folder /= part;
    if (fs::exists(folder)) continue;
    fs::create_directory(folder);
    RunShell("chown sftptest:sftptest '" + folder.string() + "'");
  }
}

void SftpServer::Put(const std::string& relative, const std::string& content) const {
  fs::path target = data_dir() / relative;
  if (fs::path(relative).has_parent_path()) MakeDataDir(fs::path(relative).parent_path().string());
  fs::path temp = target.parent_path() / (".tmp-" + target.filename().string());
  WriteText(temp, content);
  RunShell("chown sftptest:sftptest '" + temp.string() + "'");
  fs::rename(temp, target);
}

fs::path SftpServer::GenerateClientKey(const std::string& name, const std::string& type,
                                       const std::string& passphrase) const {
  fs::path key = root_ / name;
  RunShell("ssh-keygen -q -t " + type + " -N '" + passphrase + "' -C " + name + " -f '" + key.string() + "'");
  return key;
}

void SftpServer::AuthorizeKey(const fs::path& private_key) const {
  std::ifstream input(private_key.string() + ".pub");
  std::stringstream key;
  key << input.rdbuf();
  std::ofstream(root_ / "keys/sftptest", std::ios::app) << key.str();
}

void SftpServer::AddEcdsaHostKey() {
  const std::string b = root_.string();
  RunShell("ssh-keygen -q -t ecdsa -b 256 -N '' -C test-host-ecdsa -f '" + b + "/host_ecdsa'");
  std::ifstream input(root_ / "sshd_config");
  std::stringstream config;
  config << input.rdbuf();
  std::string text = config.str();
  // HostKey lines must come before the Match block.
  text.insert(text.find("PidFile"), "HostKey " + b + "/host_ecdsa\n");
  WriteText(root_ / "sshd_config", text);
}

void SftpServer::RegenerateHostKey() {
  const std::string b = root_.string();
  RunShell("rm -f '" + b + "/host_ed25519' '" + b + "/host_ed25519.pub' && ssh-keygen -q -t ed25519 -N '' -C "
           "test-host2 -f '" + b + "/host_ed25519'");
}

std::string SftpServer::Log() const {
  std::ifstream input(root_ / "sshd.log");
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

}  // namespace tributary::testing
