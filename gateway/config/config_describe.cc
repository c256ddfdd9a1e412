// Config::Describe(): the loaded configuration as YAML-like text, secrets redacted.
#include <algorithm>
#include <charconv>
#include <string_view>

#include "gateway/config/config.h"
#include "gateway/config/values.h"

namespace tributary::config {
namespace {

// Plain when YAML would read the text back unchanged, double-quoted otherwise.
std::string Scalar(std::string_view text) {
  constexpr std::string_view kSpecialFirst = "-?:,[]{}#&*!|>'\"%@`";
  constexpr std::string_view kSpecialAnywhere = "#{}[],\"'\\";
  const bool plain = !text.empty() && kSpecialFirst.find(text.front()) == std::string_view::npos &&
                     text.find_first_of(kSpecialAnywhere) == std::string_view::npos &&
                     text.find(": ") == std::string_view::npos && text.front() != ' ' && text.back() != ' ' &&
                     text.back() != ':' &&
                     std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20; });
  return plain ? std::string(text) : QuoteForMessage(text);
}

std::string Number(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return ec == std::errc() ? std::string(buffer, end) : "?";
}

void Line(std::string& out, int indent, std::string_view key, std::string_view value) {
  out.append(static_cast<size_t>(indent), ' ');
  out += key;
  out += ':';
  if (!value.empty()) {
    out += ' ';
    out += value;
  }
  out += '\n';
}

}  // namespace

std::string Config::Describe() const {
  std::string out;
  Line(out, 0, "file", Scalar(file));
  Line(out, 0, "tenant", Scalar(tenant));
  Line(out, 0, "state", Scalar("sqlite:" + state_path));
  Line(out, 0, "admin", "");
  const std::string host = admin.host.find(':') == std::string::npos ? admin.host : "[" + admin.host + "]";
  Line(out, 2, "listen", Scalar(host + ":" + std::to_string(admin.port)));
  if (admin.token) Line(out, 2, "token", Scalar(admin.token->Redacted()));
  if (!admin.tokens.empty()) Line(out, 2, "tokens", "");
  for (const AdminToken& token : admin.tokens) {
    Line(out, 4, "- name", Scalar(token.name));
    Line(out, 6, "token", Scalar(token.token.Redacted()));
    std::string scopes;
    for (const std::string& scope : token.scopes) scopes += (scopes.empty() ? "" : ", ") + scope;
    Line(out, 6, "scopes", "[" + scopes + "]");
  }
  if (admin.tls) {
    Line(out, 2, "tls", "");
    Line(out, 4, "cert_file", Scalar(admin.tls->cert_file));
    Line(out, 4, "key_file", Scalar(admin.tls->key_file));
    if (!admin.tls->client_ca_file.empty()) Line(out, 4, "client_ca_file", Scalar(admin.tls->client_ca_file));
  }
  if (admin.insecure_plaintext) Line(out, 2, "insecure_plaintext", "true");
  Line(out, 0, "log", "");
  Line(out, 2, "level", log.level);
  Line(out, 2, "format", log.format);
  if (push) {
    Line(out, 0, "core", "");
    Line(out, 2, "push", "");
    Line(out, 4, "url", Scalar(push->url));
    if (push->token) Line(out, 4, "token", Scalar(push->token->Redacted()));
    if (!push->ca_file.empty()) Line(out, 4, "ca_file", Scalar(push->ca_file));
    if (!push->client_cert_file.empty()) {
      Line(out, 4, "client_cert_file", Scalar(push->client_cert_file));
      Line(out, 4, "client_key_file", Scalar(push->client_key_file));
    }
    Line(out, 4, "batch_size", std::to_string(push->batch_size));
    Line(out, 4, "timeout", FormatDuration(push->timeout));
    Line(out, 4, "max_backoff", FormatDuration(push->max_backoff));
  } else {
    Line(out, 0, "core", "{}  # no push: the core pulls the change feed");
  }
  auto keep_for = [](const std::optional<std::chrono::milliseconds>& duration) {
    return duration ? FormatDuration(*duration) : std::string("never");
  };
  Line(out, 0, "retention", "");
  Line(out, 2, "changes", keep_for(retention.changes));
  Line(out, 2, "changes_kept", std::to_string(retention.changes_kept));
  Line(out, 2, "rejects", keep_for(retention.rejects));
  Line(out, 2, "files", keep_for(retention.files));
  Line(out, 2, "schedule", FormatDuration(retention.schedule));
  Line(out, 0, "connectors", "");
  for (const ConnectorConfig& connector : connectors) {
    Line(out, 2, "- name", Scalar(connector.name));
    Line(out, 4, "type", Scalar(connector.type));
    Line(out, 4, "schedule", FormatDuration(connector.schedule));
    if (!connector.legal_entity.empty()) Line(out, 4, "legal_entity", Scalar(connector.legal_entity));
    if (connector.settings) {
      Line(out, 4, connector.type, "");
      for (const auto& [key, value] : connector.settings->DescribeFields()) Line(out, 6, key, Scalar(value));
    }
    Line(out, 4, "files", "");
    for (const FileRule& rule : connector.files) {
      Line(out, 6, "- pattern", Scalar(rule.pattern));
      Line(out, 8, "mapping", Scalar(rule.mapping_path));
      Line(out, 8, "mode", FeedModeName(rule.mode));
      if (rule.max_close_ratio) Line(out, 8, "guard", "{max_close_ratio: " + Number(*rule.max_close_ratio) + "}");
      if (!rule.trigger_file.empty()) Line(out, 8, "trigger_file", Scalar(rule.trigger_file));
      if (rule.group_memory_mib != 64) Line(out, 8, "group_memory_mib", std::to_string(rule.group_memory_mib));
      if (!rule.parameters.empty()) {
        Line(out, 8, "parameters", "");
        for (const auto& [name, parameter] : rule.parameters) {
          std::string values;
          for (const std::string& value : parameter.values) values += (values.empty() ? "" : ", ") + Scalar(value);
          Line(out, 10, name, parameter.values.size() == 1 ? values : "[" + values + "]");
        }
      }
    }
  }
  return out;
}

}  // namespace tributary::config
