#include "gateway/admin/status_page.h"

#include <nlohmann/json.hpp>

#include "gateway/admin/status_page_assets.h"

namespace tributary::admin {
namespace {

class Html {
 public:
  Html& Raw(std::string_view text) {
    out_ += text;
    return *this;
  }
  Html& Text(std::string_view text) {
    out_ += HtmlEscape(text);
    return *this;
  }
  Html& Cell(std::string_view text, std::string_view css_class = "") {
    out_ += css_class.empty() ? "<td>" : "<td class=\"" + std::string(css_class) + "\">";
    Text(text);
    out_ += "</td>";
    return *this;
  }
  Html& Number(int64_t value) { return Cell(std::to_string(value), "num"); }
  Html& State(std::string_view state) {
    out_ += "<span class=\"state " + HtmlEscape(state) + "\">";
    Text(state);
    out_ += "</span>";
    return *this;
  }
  Html& Header(std::initializer_list<std::string_view> names) {
    out_ += "<table><thead><tr>";
    for (std::string_view name : names) {
      out_ += "<th>";
      Text(name);
      out_ += "</th>";
    }
    out_ += "</tr></thead><tbody>";
    return *this;
  }
  // A button the script posts; hidden with JavaScript off and without the operate scope.
  Html& Button(bool shown, std::string_view label, const std::string& target, std::string_view confirm = "",
               bool danger = false) {
    if (!shown) return *this;
    out_ += "<button type=\"button\" class=\"js-only";
    if (danger) out_ += " danger";
    out_ += "\" data-post=\"" + HtmlEscape(target) + "\"";
    if (!confirm.empty()) out_ += " data-confirm=\"" + HtmlEscape(confirm) + "\"";
    out_ += ">";
    Text(label);
    out_ += "</button> ";
    return *this;
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string Age(int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 7200) return std::to_string(seconds / 60) + " min";
  if (seconds < 172800) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " days";
}

std::string Bytes(int64_t bytes) {
  if (bytes < 10 * 1024) return std::to_string(bytes) + " B";
  if (bytes < 10 * 1024 * 1024) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes / (1024 * 1024)) + " MiB";
}

void Empty(Html& html, int columns, std::string_view text) {
  html.Raw("<tr><td class=\"empty\" colspan=\"" + std::to_string(columns) + "\">").Text(text).Raw("</td></tr>");
}

void Connectors(Html& html, const StatusPageData& data) {
  html.Raw("<section id=\"connectors\"><h2>Connectors</h2>");
  html.Header({"Connector", "State", "Last success", "Data age", "Last error", "Now reading", "Unmatched files", ""});
  if (data.connectors.empty()) Empty(html, 8, "No connector is configured.");
  for (const ConnectorStatus& connector : data.connectors) {
    html.Raw("<tr data-connector=\"" + HtmlEscape(connector.name) + "\"><td><strong>").Text(connector.name);
    html.Raw("</strong><br><span class=\"muted\">").Text(connector.type);
    if (!connector.schedule.empty()) html.Text(", every " + connector.schedule);
    html.Raw("</span></td><td>").State(connector.state).Raw("</td>");
    html.Cell(connector.last_success_at.empty() ? "never" : connector.last_success_at);
    std::string age = "";
    for (const ConnectorFreshness& fresh : data.freshness) {
      if (fresh.connector == connector.name && fresh.last_applied_unix > 0) {
        age = Age(std::max<int64_t>(0, data.now_unix - fresh.last_applied_unix));
      }
    }
    html.Cell(age.empty() ? "-" : age);
    html.Raw("<td class=\"error\">").Text(connector.last_error);
    if (!connector.last_error_at.empty()) html.Raw("<br><span class=\"muted\">").Text(connector.last_error_at).Raw("</span>");
    html.Raw("</td><td>");
    if (connector.current_file) {
      const FileProgress& file = *connector.current_file;
      html.Text(file.name).Raw("<br>");
      if (file.size > 0) {
        html.Raw("<progress max=\"" + std::to_string(file.size) + "\" value=\"" + std::to_string(file.bytes_read) +
                 "\"></progress> ");
      }
      html.Text(std::to_string(file.rows_read) + " rows, " + Bytes(file.bytes_read) +
                (file.size > 0 ? " of " + Bytes(file.size) : ""));
    } else {
      html.Raw("<span class=\"muted\">-</span>");
    }
    html.Raw("</td><td>");
    for (const UnmatchedFile& file : connector.unmatched_files) {
      html.Text(file.name).Raw(" <span class=\"muted\">(").Text(Bytes(file.size)).Raw(")</span><br>");
    }
    if (connector.unmatched_files.empty()) html.Raw("<span class=\"muted\">none</span>");
    html.Raw("</td><td>");
    const std::string base = "/v1/connectors/" + connector.name;
    if (connector.state == "paused") {
      html.Button(data.can_operate, "Resume", base + "/resume");
    } else {
      html.Button(data.can_operate, "Poll now", base + "/poll");
      html.Button(data.can_operate, "Pause", base + "/pause");
    }
    html.Raw("</td></tr>");
  }
  html.Raw("</tbody></table></section>");
}

void OpenAmounts(Html& html, const StatusPageData& data) {
  html.Raw("<section id=\"open-amounts\"><h2>Open receivables</h2>");
  html.Header({"Legal entity", "Currency", "Open amount", "Open items"});
  if (data.open_amounts.empty()) Empty(html, 4, "No open receivable.");
  for (const OpenAmount& amount : data.open_amounts) {
    html.Raw("<tr>").Cell(amount.legal_entity.empty() ? "-" : amount.legal_entity).Cell(amount.currency);
    html.Cell(amount.amount, "num").Number(amount.items).Raw("</tr>");
  }
  html.Raw("</tbody></table>");
  if (data.outbox_depth) {
    html.Raw("<p class=\"muted\">").Text(std::to_string(*data.outbox_depth) + " change(s) not yet delivered to the core.");
    html.Raw("</p>");
  }
  html.Raw("</section>");
}

void Quarantine(Html& html, const StatusPageData& data) {
  html.Raw("<section id=\"quarantine\"><h2>Quarantined snapshots</h2>");
  html.Header({"File", "Connector", "Reason", "What it would do", "Sample of what it would close", ""});
  if (data.quarantine.empty()) Empty(html, 6, "Nothing is quarantined.");
  for (const store::Quarantine& row : data.quarantine) {
    const nlohmann::json diff = nlohmann::json::parse(row.diff_json, nullptr, false);
    auto number = [&](const char* name) { return diff.is_object() ? diff.value(name, nlohmann::json()).dump() : "?"; };
    auto text = [&](const char* name) { return diff.is_object() ? diff.value(name, std::string("?")) : "?"; };
    html.Raw("<tr data-quarantine=\"" + std::to_string(row.id) + "\">").Cell(row.file.name).Cell(row.connector);
    html.Cell(row.reason);
    html.Cell("close " + number("would_close") + " of " + number("active") + " active (ratio " + text("ratio") +
              ", limit " + text("max_close_ratio") + "); create " + number("would_create") + ", update " +
              number("would_update"));
    html.Raw("<td>");
    if (diff.is_object() && diff.contains("sample") && diff["sample"].is_array()) {
      for (const auto& sample : diff["sample"]) {
        html.Text(sample.value("key", "")).Raw(" <span class=\"muted\">");
        html.Text(sample.value("open_amount", "") + " " + sample.value("currency", "")).Raw("</span><br>");
      }
    }
    html.Raw("</td><td>");
    const std::string base = "/v1/quarantine/" + std::to_string(row.id);
    html.Button(data.can_operate, "Release", base + "/release",
                "Apply this snapshot, closing what it lacks?");
    html.Button(data.can_operate, "Discard", base + "/discard", "Discard this snapshot? It moves to the error folder.",
                true);
    html.Raw("</td></tr>");
  }
  html.Raw("</tbody></table></section>");
}

void Rejects(Html& html, const StatusPageData& data) {
  html.Raw("<section id=\"rejects\"><h2>Latest rejects</h2>");
  html.Header({"When", "Connector", "File", "Line", "Column", "Field", "Reason"});
  if (data.rejects.empty()) Empty(html, 7, "No reject.");
  for (const store::Reject& row : data.rejects) {
    html.Raw("<tr>").Cell(row.created_at).Cell(row.connector).Cell(row.reject.file).Number(row.reject.line);
    html.Number(row.reject.column).Cell(row.reject.field).Cell(row.reject.reason).Raw("</tr>");
  }
  html.Raw("</tbody></table></section>");
}

void DeadLetters(Html& html, const StatusPageData& data) {
  html.Raw("<section id=\"dead-letters\"><h2>Dead letters</h2>");
  html.Header({"When", "Key", "Code", "The core said", ""});
  if (data.dead_letters.empty()) Empty(html, 5, "The core refused nothing.");
  for (const store::DeadLetter& row : data.dead_letters) {
    html.Raw("<tr>").Cell(row.created_at).Cell(row.key).Cell(row.code).Cell(row.message).Raw("<td>");
    html.Button(data.can_operate, "Replay", "/v1/dead-letters/" + std::to_string(row.id) + "/replay");
    html.Raw("</td></tr>");
  }
  html.Raw("</tbody></table></section>");
}

void Files(Html& html, const StatusPageData& data) {
  html.Raw("<section id=\"files\"><h2>Latest files</h2>");
  html.Header({"When", "Connector", "File", "Status", "Rows", "Rejects", "Changes", "Where it went"});
  if (data.files.empty()) Empty(html, 8, "No file yet.");
  for (const store::FileEntry& row : data.files) {
    html.Raw("<tr>").Cell(row.created_at).Cell(row.identity.connector).Cell(row.identity.name).Raw("<td>");
    html.State(store::FileStateName(row.state)).Raw("</td>").Number(row.rows).Number(row.rejects).Number(row.changes);
    if (!row.error.empty()) html.Cell(row.error, "error");
    else html.Cell(row.moved_to.empty() ? "-" : row.moved_to);
    html.Raw("</tr>");
  }
  html.Raw("</tbody></table></section>");
}

void Actions(Html& html, const StatusPageData& data) {
  html.Raw("<section id=\"actions\"><h2>Latest actions</h2>");
  html.Header({"#", "Kind", "Connector", "Status", "Result or reason", "Created"});
  if (data.actions.empty()) Empty(html, 6, "No action was asked for.");
  for (const store::Job& job : data.actions) {
    html.Raw("<tr>").Number(job.number).Cell(job.kind).Cell(job.connector).Raw("<td>");
    html.State(store::JobStatusName(job.status)).Raw("</td>");
    html.Cell(!job.error.empty() ? job.error : !job.waiting_for.empty() ? job.waiting_for : job.result_key);
    html.Cell(job.created_at).Raw("</tr>");
  }
  html.Raw("</tbody></table></section>");
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderStatusPage(const StatusPageData& data) {
  Html html;
  html.Raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
  html.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
  html.Raw("<title>Tributary: ").Text(data.tenant).Raw("</title>");
  // Without JavaScript, the page reloads itself only when asked to (a wall display).
  if (data.reload_without_script) {
    html.Raw("<noscript><meta http-equiv=\"refresh\" content=\"" + std::to_string(data.refresh_seconds) +
             "\"></noscript>");
  }
  html.Raw("<style>").Raw(kStatusPageCss).Raw("</style></head>");
  html.Raw("<body data-refresh=\"" + std::to_string(data.refresh_seconds) + "\"><header><h1>Tributary</h1>");
  html.Raw("<span class=\"meta\">tenant <strong>").Text(data.tenant).Raw("</strong>, version ").Text(data.version);
  html.Raw("</span><span class=\"meta\" id=\"updated\">as of ").Text(data.now).Raw("</span>");
  html.Raw("<span id=\"notice\" role=\"status\"></span></header><main>");
  Connectors(html, data);
  OpenAmounts(html, data);
  Quarantine(html, data);
  Rejects(html, data);
  DeadLetters(html, data);
  Files(html, data);
  Actions(html, data);
  html.Raw("</main><script>").Raw(kStatusPageScript).Raw("</script></body></html>\n");
  return html.Take();
}

}  // namespace tributary::admin
