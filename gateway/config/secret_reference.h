// Secret references in user-written YAML: `${env:NAME}`, `${file:PATH}` and `${cred:NAME}`.
#pragma once

#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/config/config_node.h"

namespace tributary::config {

// Resolves the text of a secret value:
// - `${env:NAME}`: the environment variable NAME (unset or empty is an error);
// - `${file:PATH}`: the content of PATH (relative paths resolve against `base_dir`), one
//   trailing newline dropped, at most 64 KiB, empty is an error;
// - `${cred:NAME}`: a systemd credential (`LoadCredential=NAME:…` in the unit), i.e. the
//   file NAME in the folder `$CREDENTIALS_DIRECTORY`, read like `${file:…}`. NAME is a
//   file name (no '/', not "." or ".."); CREDENTIALS_DIRECTORY unset or empty is an error
//   that says to load the credential in the unit;
// - anything else not starting with "${": the text itself, an inline secret.
// Error messages never contain the secret, nor the text (it may be an inline secret).
// Reads the environment and the file system; thread-safe as long as nobody calls setenv.
Result<Secret> ResolveSecret(std::string_view text, const std::string& base_dir);

}  // namespace tributary::config
