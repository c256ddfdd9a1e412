// Runs the `tributary` binary under test as a user types it, capturing what it prints.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/testing/temp_dir.h"

namespace tributary::testing {

struct CommandOutcome {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

inline std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `tributary ARGUMENTS`, run through the shell from the test's working folder.
inline CommandOutcome RunTributaryCommand(const std::string& arguments) {
  TempDir scratch;
  const std::string command = std::string(TRIBUTARY_BINARY) + " " + arguments + " >" + scratch.File("out") + " 2>" +
                              scratch.File("err");
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadBytes(scratch.File("out")), ReadBytes(scratch.File("err"))};
}

}  // namespace tributary::testing
