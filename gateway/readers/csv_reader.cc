#include "gateway/readers/csv_reader.h"

#include <algorithm>
#include <cstring>

namespace tributary::readers {
namespace {

constexpr size_t kMinChunkSize = 16;  // room for a byte-order mark in the first chunk

bool IsLineBreak(char c) { return c == '\r' || c == '\n'; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

CsvReader::CsvReader(std::istream& input, CsvOptions options)
    : input_(input), options_(options) {
  options_.chunk_size = std::max(options_.chunk_size, kMinChunkSize);
  options_.max_record_bytes = std::max<size_t>(options_.max_record_bytes, 1);
  chunk_.resize(options_.chunk_size);
  skip_remaining_ = std::max(options_.skip_lines, 0);
  state_ = skip_remaining_ > 0 ? State::kSkipLines : State::kFieldStart;
}

bool CsvReader::Fill() {
  if (eof_) return false;
  input_.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
  const auto count = static_cast<size_t>(input_.gcount());
  if (count < chunk_.size()) eof_ = true;
  pos_ = 0;
  end_ = count;
  bytes_read_ += static_cast<int64_t>(count);
  if (!started_) {
    started_ = true;
    if (options_.strip_utf8_bom && count >= 3 && std::memcmp(chunk_.data(), "\xEF\xBB\xBF", 3) == 0) {
      pos_ = 3;
    }
  }
  return pos_ < end_;
}

void CsvReader::AppendRaw(const char* begin, const char* end) {
  const size_t room = options_.max_record_bytes - std::min(raw_.size(), options_.max_record_bytes);
  raw_.append(begin, std::min(static_cast<size_t>(end - begin), room));
}

void CsvReader::EndField() { field_ends_.push_back(data_.size()); }

void CsvReader::EndRecord() {
  // A record that ends inside a field (end of line or of input) closes that field too.
  if (error_.empty()) EndField();
}

void CsvReader::SetError(std::string message) {
  if (!error_.empty()) return;
  error_ = std::move(message);
  error_column_ = static_cast<int>(field_ends_.size()) + 1;
}

bool CsvReader::CountLineBreak(char c) {
  if (c == '\n' && after_cr_) {
    after_cr_ = false;
    return true;
  }
  ++line_;
  after_cr_ = c == '\r';
  return false;
}

bool CsvReader::IsBlankRecord() const {
  if (field_ends_.size() != 1 || any_quote_) return false;
  return std::all_of(raw_.begin(), raw_.end(), IsSpace);
}

bool CsvReader::Consume() {
  const char* p = chunk_.data() + pos_;
  const char* const end = chunk_.data() + end_;
  const char delimiter = options_.delimiter;
  const char quote = options_.quote;
  auto finish = [&](const char* next) {
    pos_ = static_cast<size_t>(next - chunk_.data());
    return true;
  };

  while (p < end) {
    const char c = *p;
    if (after_cr_ && c != '\n') after_cr_ = false;
    if (raw_.size() >= options_.max_record_bytes && state_ != State::kSkipToLineEnd &&
        state_ != State::kSkipLines) {
      SetError("record is longer than " + std::to_string(options_.max_record_bytes) +
               " bytes (is a quote never closed?)");
      state_ = State::kSkipToLineEnd;
    }
    switch (state_) {
      case State::kSkipLines:
        ++p;
        if (IsLineBreak(c) && !CountLineBreak(c) && --skip_remaining_ == 0) state_ = State::kFieldStart;
        break;

      case State::kFieldStart:
        if (!in_record_) {
          if (c == '\n' && after_cr_) {  // the LF of the CRLF that ended the previous line
            after_cr_ = false;
            ++p;
            break;
          }
          in_record_ = true;
          record_line_ = line_;
        }
        if (quote != '\0' && c == quote) {
          any_quote_ = true;
          AppendRaw(p, p + 1);
          ++p;
          state_ = State::kQuoted;
        } else if (c == delimiter) {
          AppendRaw(p, p + 1);
          ++p;
          EndField();
        } else if (IsLineBreak(c)) {
          CountLineBreak(c);
          EndRecord();
          return finish(p + 1);
        } else {
          state_ = State::kUnquoted;
        }
        break;

      case State::kUnquoted: {
        const char* run = p;
        while (p < end && *p != delimiter && !IsLineBreak(*p)) ++p;
        AppendRaw(run, p);
        data_.append(run, p);
        if (p == end) break;
        if (*p == delimiter) {
          AppendRaw(p, p + 1);
          ++p;
          EndField();
          state_ = State::kFieldStart;
        } else {
          CountLineBreak(*p);
          EndRecord();
          return finish(p + 1);
        }
        break;
      }

      case State::kQuoted: {
        const char* run = p;
        while (p < end && *p != quote && !IsLineBreak(*p)) ++p;
        AppendRaw(run, p);
        data_.append(run, p);
        if (p == end) break;
        AppendRaw(p, p + 1);
        if (*p == quote) {
          state_ = State::kQuoteInQuoted;
        } else {
          // A line break inside quotes is field text; it still counts as a physical line.
          data_.push_back(*p);
          CountLineBreak(*p);
        }
        ++p;
        break;
      }

      case State::kQuoteInQuoted:
      case State::kAfterQuoted:
        if (c == quote && state_ == State::kQuoteInQuoted) {
          data_.push_back(quote);
          AppendRaw(p, p + 1);
          ++p;
          state_ = State::kQuoted;
        } else if (c == delimiter) {
          AppendRaw(p, p + 1);
          ++p;
          EndField();
          state_ = State::kFieldStart;
        } else if (IsLineBreak(c)) {
          CountLineBreak(c);
          EndRecord();
          return finish(p + 1);
        } else if (IsSpace(c)) {
          AppendRaw(p, p + 1);
          ++p;
          state_ = State::kAfterQuoted;
        } else {
          SetError(std::string("unexpected text after the closing quote of field ") +
                   std::to_string(field_ends_.size() + 1));
          state_ = State::kSkipToLineEnd;
        }
        break;

      case State::kSkipToLineEnd: {
        const char* run = p;
        while (p < end && !IsLineBreak(*p)) ++p;
        AppendRaw(run, p);
        if (p == end) break;
        CountLineBreak(*p);
        EndRecord();
        return finish(p + 1);
      }
    }
  }
  pos_ = end_;
  return false;
}

Result<bool> CsvReader::Next(CsvRecord& record) {
  auto start_record = [&] {
    raw_.clear();
    data_.clear();
    field_ends_.clear();
    error_.clear();
    error_column_ = 0;
    in_record_ = false;
    any_quote_ = false;
    if (state_ != State::kSkipLines) state_ = State::kFieldStart;
  };
  start_record();
  while (true) {
    if (pos_ == end_ && !Fill()) {
      if (input_.bad()) return Fail(ErrorCode::kIo, "read error on the input stream");
      if (!in_record_ || state_ == State::kSkipLines) return false;
      if (state_ == State::kQuoted) SetError("quoted field is not closed before the end of the input");
      EndRecord();
    } else if (!Consume()) {
      continue;
    }
    if (error_.empty() && IsBlankRecord()) {
      start_record();
      continue;
    }
    break;
  }

  record.line = record_line_;
  record.raw = raw_;
  record.error = error_;
  record.error_column = error_column_;
  record.fields.clear();
  if (error_.empty()) {
    size_t begin = 0;
    for (size_t field_end : field_ends_) {
      record.fields.emplace_back(data_.data() + begin, field_end - begin);
      begin = field_end;
    }
  }
  return true;
}

}  // namespace tributary::readers
