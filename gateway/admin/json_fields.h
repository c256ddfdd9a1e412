// Small pieces of the admin API's JSON bodies, shared by its routes.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tributary::admin {

// `text`, or null when it is empty: the admin API writes an absent value as null.
inline nlohmann::ordered_json OrNull(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
}

}  // namespace tributary::admin
