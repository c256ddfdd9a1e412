#include "connectors/salesforce/query_page.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace tributary::connectors::salesforce {
namespace {

using json = nlohmann::json;

// Rebuilds each record's JSON text from SAX events: numbers from their source text.
class PageReader final : public nlohmann::json_sax<json> {
 public:
  PageReader(QueryPage& page, const std::vector<std::string>& required) : page_(page), required_(required) {}

  bool null() override { return Scalar("null"); }
  bool boolean(bool value) override {
    if (depth_ == 1 && key_ == "done") page_.done = value;
    return Scalar(value ? "true" : "false");
  }
  bool number_integer(number_integer_t value) override {
    if (depth_ == 1 && key_ == "totalSize") page_.total_size = value;
    return Scalar(std::to_string(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (depth_ == 1 && key_ == "totalSize") page_.total_size = static_cast<int64_t>(value);
    return Scalar(std::to_string(value));
  }
  bool number_float(number_float_t, const string_t& text) override { return Scalar(text); }
  bool string(string_t& value) override {
    if (depth_ == 1 && key_ == "nextRecordsUrl") page_.next_records_url = value;
    if (depth_ == kRecordDepth && in_records_) {
      if (key_ == "Id") id_ = value;
      if (key_ == "SystemModstamp") stamp_ = value;
    }
    return Scalar(json(value).dump());
  }
  bool binary(binary_t&) override { return false; }

  bool start_object(std::size_t) override {
    ++depth_;
    if (EnterSkipped()) return true;
    if (in_records_ && depth_ == kRecordDepth) {
      record_.clear();
      members_.clear();
      id_.clear();
      stamp_.clear();
      first_.assign(1, true);
      record_ += '{';
      return true;
    }
    if (InRecord()) {
      Separator();
      record_ += '{';
      first_.push_back(true);
    }
    return true;
  }
  bool end_object() override {
    --depth_;
    if (skipping_ > 0) {
      --skipping_;
      return true;
    }
    if (in_records_ && depth_ == kRecordDepth - 1) return EndRecord();
    if (InRecord()) {
      record_ += '}';
      first_.pop_back();
    }
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (EnterSkipped()) return true;
    if (depth_ == 2 && key_ == "records") {
      in_records_ = true;
      return true;
    }
    if (InRecord()) {
      Separator();
      record_ += '[';
      first_.push_back(true);
    }
    return true;
  }
  bool end_array() override {
    --depth_;
    if (skipping_ > 0) {
      --skipping_;
      return true;
    }
    if (in_records_ && depth_ == 1) {
      in_records_ = false;
      return true;
    }
    if (InRecord()) {
      record_ += ']';
      first_.pop_back();
    }
    return true;
  }
  bool key(string_t& name) override {
    key_ = name;
    if (skipping_ > 0) return true;
    if (InRecord()) {
      if (name == "attributes") {
        skip_next_ = true;
        return true;
      }
      if (depth_ == kRecordDepth) members_.push_back(name);
      if (!first_.back()) record_ += ',';
      first_.back() = false;
      record_ += json(name).dump();
      record_ += ':';
      after_key_ = true;
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& error) override {
    error_ = "unreadable query answer at byte " + std::to_string(position) + ": " + error.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr int kRecordDepth = 3;  // {page} -> [records] -> {record}

  bool InRecord() const { return in_records_ && depth_ >= kRecordDepth; }
  // True when the container just opened is (inside) a skipped value.
  bool EnterSkipped() {
    if (skipping_ > 0) {
      ++skipping_;
      return true;
    }
    if (skip_next_) {
      skip_next_ = false;
      skipping_ = 1;
      return true;
    }
    return false;
  }
  void Separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.back()) record_ += ',';
    first_.back() = false;
  }
  bool Scalar(const std::string& text) {
    if (skipping_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    if (InRecord()) {
      Separator();
      record_ += text;
    }
    return true;
  }
  bool EndRecord() {
    record_ += '}';
    for (const std::string& member : required_) {
      if (std::find(members_.begin(), members_.end(), member) == members_.end()) {
        error_ = "Salesforce sent record " + (id_.empty() ? std::to_string(page_.records + 1) : id_) +
                 " without the field " + member + " the query selected";
        return false;
      }
    }
    page_.json_lines += record_;
    page_.json_lines += '\n';
    page_.ids.push_back(id_);
    page_.stamps.push_back(stamp_);
    ++page_.records;
    return true;
  }

  QueryPage& page_;
  const std::vector<std::string>& required_;
  int depth_ = 0;
  bool in_records_ = false;
  std::string key_;
  std::string record_;
  std::vector<std::string> members_;
  std::vector<bool> first_;
  bool after_key_ = false;
  bool skip_next_ = false;
  int skipping_ = 0;
  std::string id_;
  std::string stamp_;
  std::string error_;
};

}  // namespace

Result<QueryPage> ParseQueryPage(const std::string& body, const std::vector<std::string>& required) {
  QueryPage page;
  PageReader reader(page, required);
  const bool ok = json::sax_parse(body, &reader);
  if (!ok) {
    return Fail(ErrorCode::kParse, reader.error().empty() ? "unreadable query answer" : reader.error());
  }
  if (!page.done && page.next_records_url.empty()) {
    return Fail(ErrorCode::kParse, "a query answer that is not done has no nextRecordsUrl");
  }
  return page;
}

}  // namespace tributary::connectors::salesforce
