// The `tributary` command line: run, check, map, --help, --version.
#pragma once

namespace tributary::app {

// Parses the arguments and runs the command. Returns the process exit code.
int Main(int argc, char** argv);

}  // namespace tributary::app
