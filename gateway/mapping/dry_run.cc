#include "gateway/mapping/dry_run.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <streambuf>

#include "gateway/common/diagnostic.h"
#include "gateway/model/money.h"

namespace tributary::mapping {
namespace {

std::string Plural(int64_t count, std::string_view noun) {
  std::string text = std::to_string(count) + " " + std::string(noun);
  if (count != 1) text += "s";
  return text;
}

// Whether `path` is a file that can be read. The dry run prints neither provenance nor
// hashes, so it does not hash the input (a second pass over every byte).
Status CheckReadable(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Fail(ErrorCode::kIo, std::string("cannot open file: ") + std::strerror(errno));
  if (std::error_code error; std::filesystem::is_directory(path, error)) {
    return Fail(ErrorCode::kIo, "cannot open file: is a directory");
  }
  return Ok();
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

// Collects what is written in blocks of 256 KiB and hands each block to `target` in one
// call: a million records become a few hundred writes instead of one (or, through a 4 KiB
// stdio buffer, several) per record. Flushing hands over what is pending.
class BlockOutputBuffer : public std::streambuf {
 public:
  explicit BlockOutputBuffer(std::streambuf* target) : target_(target), block_(kBlockBytes) {
    setp(block_.data(), block_.data() + block_.size());
  }
  BlockOutputBuffer(const BlockOutputBuffer&) = delete;
  BlockOutputBuffer& operator=(const BlockOutputBuffer&) = delete;
  ~BlockOutputBuffer() override { sync(); }

 protected:
  int_type overflow(int_type c) override {
    if (!Drain()) return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
    return c;
  }
  std::streamsize xsputn(const char* data, std::streamsize size) override {
    if (size > epptr() - pptr()) {
      if (!Drain()) return 0;
      // Bigger than a block: straight through.
      if (size >= epptr() - pptr()) return target_->sputn(data, size);
    }
    std::memcpy(pptr(), data, static_cast<size_t>(size));
    pbump(static_cast<int>(size));
    return size;
  }
  int sync() override { return Drain() && target_->pubsync() == 0 ? 0 : -1; }

 private:
  static constexpr size_t kBlockBytes = 256 << 10;  // stays in cache until written
  bool Drain() {
    const std::streamsize pending = pptr() - pbase();
    const bool ok = pending == 0 || target_->sputn(pbase(), pending) == pending;
    setp(block_.data(), block_.data() + block_.size());
    return ok;
  }
  std::streambuf* target_;
  std::vector<char> block_;
};

}  // namespace

DryRunPrinter::DryRunPrinter(std::span<const EntityInfo> entities, std::ostream& out, std::ostream& err,
                             std::string_view source_record_noun)
    : out_(out), err_(err), source_record_noun_(source_record_noun) {
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
  if (lines_ != nullptr) {
    if (auto status = lines_->Add(record.json); !status) return status;
  } else {
    out_.write(record.json.data(), static_cast<std::streamsize>(record.json.size()));
  }
  ++records_;
  // Names compared as views: their sizes first, most often enough.
  const std::string_view entity_name = record.entity;
  for (auto& [entity, count] : records_by_entity_) {
    if (std::string_view(entity) == entity_name) ++count;
  }
  if (record.open_amount_minor && !record.currency.empty()) {
    // Records built by hand may carry their kind in `data` only.
    const std::string kind_in_data =
        record.kind.empty() && record.data.is_object() ? record.data.value("kind", "") : std::string();
    const std::string& kind = record.kind.empty() ? kind_in_data : record.kind;
    const bool credit = std::string_view(kind) == "credit_note" || std::string_view(kind) == "payment_on_account";
    // Most files have one currency: its sum is found again without a map lookup.
    if (last_open_ == nullptr || last_open_->first != record.currency) {
      last_open_ = &*open_minor_by_currency_.try_emplace(record.currency, 0).first;
    }
    last_open_->second += credit ? -*record.open_amount_minor : *record.open_amount_minor;
  }
  if (entity_name == "payment" && record.amount_minor && !record.currency.empty()) {
    payment_minor_by_currency_[record.currency] += *record.amount_minor;
  }
  return Ok();
}

Status DryRunPrinter::OnReject(model::Reject&& reject) {
  // Records written so far go out first: on a terminal, a reject shows up among them.
  if (lines_ != nullptr) {
    if (auto status = lines_->Flush(); !status) return status;
  }
  out_.flush();
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
  std::string text = "summary: " + Plural(rows_, source_record_noun_) + ", " + Plural(records_, "record");
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
  BlockOutputBuffer block(out.rdbuf());
  std::ostream buffered_out(&block);
  DryRunPrinter printer((*mapping)->entities(), buffered_out, err, (*mapping)->source_record_noun());
  // On the process's standard output, record lines go straight to the descriptor in
  // 64 KiB blocks (LineWriter), without the stream's locking and buffering.
  std::optional<LineWriter> stdout_lines;
  if (out.rdbuf() == std::cout.rdbuf()) {
    out.flush();
    std::fflush(stdout);
    stdout_lines.emplace(STDOUT_FILENO);
    printer.SendLinesTo(*stdout_lines);
  }
  bool unusable = false;
  auto flush_lines = [&] {
    if (!stdout_lines) return;
    if (auto status = stdout_lines->Flush(); !status) {
      err << status.error().message << '\n';
      unusable = true;
    }
  };
  for (const std::string& input : inputs) {
    MappingContext context = base;
    context.file_name = input;
    if (auto readable = CheckReadable(input); !readable) {
      buffered_out.flush();
      flush_lines();
      err << input << ": " << readable.error().message << '\n';
      unusable = true;
      continue;
    }
    if (context.source_updated_at.empty()) context.source_updated_at = FileModifiedAt(input);
    std::ifstream stream(input, std::ios::binary);
    auto stats = (*mapping)->Run(stream, context, printer);
    if (!stats) {
      buffered_out.flush();
      flush_lines();
      err << input << ": " << stats.error().message << '\n';
      unusable = true;
      continue;
    }
    printer.AddStats(*stats);
  }
  buffered_out.flush();
  flush_lines();
  out.flush();
  err << printer.Summary() << '\n';
  if (unusable) return 2;
  return printer.rejects() > 0 ? 1 : 0;
}

}  // namespace tributary::mapping
