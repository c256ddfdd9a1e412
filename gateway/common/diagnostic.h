// A problem found in a user-written file (config or mapping), with its position.
#pragma once

#include <string>
#include <vector>

namespace tributary {

struct Diagnostic {
  std::string file;     // as the user named it
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string path;     // dotted path inside the document, e.g. connectors[0].schedule
  std::string message;

  // "file:line:col: path: message", the one format every tool prints.
  [[nodiscard]] std::string ToString() const;
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace tributary
