#include "gateway/common/diagnostic.h"

namespace tributary {

std::string Diagnostic::ToString() const {
  std::string out = file;
  out += ':' + std::to_string(line) + ':' + std::to_string(column) + ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

}  // namespace tributary
