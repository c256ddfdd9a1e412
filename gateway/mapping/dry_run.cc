#include "gateway/mapping/dry_run.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include <openssl/evp.h>

#include "gateway/common/diagnostic.h"
#include "gateway/model/money.h"

namespace tributary::mapping {
namespace {

std::string Plural(int64_t count, std::string_view noun) {
  std::string text = std::to_string(count) + " " + std::string(noun);
  if (count != 1) text += "s";
  return text;
}

// Lowercase hex SHA-256 of a file, read in chunks.
Result<std::string> FileSha256(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Fail(ErrorCode::kIo, std::string("cannot open file: ") + std::strerror(errno));
  if (std::error_code error; std::filesystem::is_directory(path, error)) {
    return Fail(ErrorCode::kIo, "cannot open file: is a directory");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return Fail(ErrorCode::kInternal, "cannot start SHA-256");
  }
  std::array<char, 64 * 1024> buffer;
  while (file) {
    file.read(buffer.data(), buffer.size());
    EVP_DigestUpdate(context.get(), buffer.data(), static_cast<size_t>(file.gcount()));
  }
  if (file.bad()) return Fail(ErrorCode::kIo, "read error");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context.get(), digest, &size);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kDigits[digest[i] >> 4]);
    hex.push_back(kDigits[digest[i] & 0xF]);
  }
  return hex;
}

// The file's mtime as RFC 3339 UTC ("2026-03-31T08:15:00Z"), or "" when unknown.
std::string FileModifiedAt(const std::string& path) {
  std::error_code error;
  const auto modified = std::filesystem::last_write_time(path, error);
  if (error) return "";
  const auto system = std::chrono::file_clock::to_sys(modified);
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(system));
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) return "";
  char text[32];
  if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) return "";
  return text;
}

}  // namespace

DryRunPrinter::DryRunPrinter(std::span<const EntityInfo> entities, std::ostream& out, std::ostream& err)
    : out_(out), err_(err) {
  for (const EntityInfo& info : entities) records_by_entity_.emplace_back(info.entity, 0);
}

Status DryRunPrinter::OnRecord(model::CanonicalRecord&& record) {
  if (record.json.empty()) {
    try {
      record.json = record.data.dump();
    } catch (const nlohmann::json::exception& e) {
      return Fail(ErrorCode::kInternal, std::string("cannot print record: ") + e.what());
    }
  }
  record.json.push_back('\n');
  out_.write(record.json.data(), static_cast<std::streamsize>(record.json.size()));
  ++records_;
  for (auto& [entity, count] : records_by_entity_) {
    if (entity == record.entity) ++count;
  }
  if (record.open_amount_minor && !record.currency.empty()) {
    // Records built by hand may carry their kind in `data` only.
    const std::string kind =
        !record.kind.empty() ? record.kind : record.data.is_object() ? record.data.value("kind", "") : "";
    const bool credit = kind == "credit_note" || kind == "payment_on_account";
    open_minor_by_currency_[record.currency] += credit ? -*record.open_amount_minor : *record.open_amount_minor;
  }
  if (record.entity == "payment" && record.amount_minor && !record.currency.empty()) {
    payment_minor_by_currency_[record.currency] += *record.amount_minor;
  }
  return Ok();
}

Status DryRunPrinter::OnReject(model::Reject&& reject) {
  if (reject.location.empty()) {
    err_ << Diagnostic{reject.file, static_cast<int>(reject.line), reject.column, reject.field, reject.reason}.ToString();
  } else {
    err_ << reject.file << ':' << reject.line << ": [" << reject.location << "] ";
    if (!reject.field.empty()) err_ << reject.field << ": ";
    err_ << reject.reason;
  }
  err_ << '\n';
  ++rejects_;
  return Ok();
}

std::string DryRunPrinter::Summary() const {
  std::string text = "summary: " + Plural(rows_, "row") + ", " + Plural(records_, "record");
  if (!records_by_entity_.empty()) {
    text += " (";
    for (size_t i = 0; i < records_by_entity_.size(); ++i) {
      if (i > 0) text += ", ";
      text += records_by_entity_[i].first + " " + std::to_string(records_by_entity_[i].second);
    }
    text += ")";
  }
  text += ", " + Plural(rejects_, "reject");
  if (skipped_ > 0) text += ", " + std::to_string(skipped_) + " skipped";
  auto amounts = [&](std::string_view label, const std::map<std::string, int64_t>& by_currency) {
    if (by_currency.empty()) return;
    text += "; ";
    text += label;
    bool first = true;
    for (const auto& [currency, minor] : by_currency) {
      text += first ? " " : ", ";
      first = false;
      text += model::FormatMinorUnits(minor, model::CurrencyExponent(currency).value_or(2)) + " " + currency;
    }
  };
  amounts("open amount", open_minor_by_currency_);
  amounts("payments", payment_minor_by_currency_);
  return text;
}

int RunMapCommand(const std::string& mapping_path, const std::vector<std::string>& inputs,
                  const MappingContext& base, std::ostream& out, std::ostream& err) {
  auto mapping = Mapping::Load(mapping_path);
  if (!mapping) {
    for (const Diagnostic& diagnostic : mapping.error()) err << diagnostic.ToString() << '\n';
    return 2;
  }
  DryRunPrinter printer((*mapping)->entities(), out, err);
  bool unusable = false;
  for (const std::string& input : inputs) {
    MappingContext context = base;
    context.file_name = input;
    auto sha256 = FileSha256(input);
    if (!sha256) {
      err << input << ": " << sha256.error().message << '\n';
      unusable = true;
      continue;
    }
    context.file_sha256 = *sha256;
    if (context.source_updated_at.empty()) context.source_updated_at = FileModifiedAt(input);
    std::ifstream stream(input, std::ios::binary);
    auto stats = (*mapping)->Run(stream, context, printer);
    if (!stats) {
      err << input << ": " << stats.error().message << '\n';
      unusable = true;
      continue;
    }
    printer.AddStats(*stats);
  }
  out.flush();
  err << printer.Summary() << '\n';
  if (unusable) return 2;
  return printer.rejects() > 0 ? 1 : 0;
}

}  // namespace tributary::mapping
