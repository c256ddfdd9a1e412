#include "gateway/readers/csv_reader.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
  // The bytes that end a scanning run, one table lookup per byte.
  for (unsigned char c : {static_cast<unsigned char>('\r'), static_cast<unsigned char>('\n')}) {
    ends_unquoted_[c] = true;
    ends_quoted_[c] = true;
  }
  ends_unquoted_[static_cast<unsigned char>(options_.delimiter)] = true;
  if (options_.quote != '\0') ends_quoted_[static_cast<unsigned char>(options_.quote)] = true;
  if (options_.escape != '\0') {
    ends_unquoted_[static_cast<unsigned char>(options_.escape)] = true;
    ends_quoted_[static_cast<unsigned char>(options_.escape)] = true;
  }
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

void CsvReader::SpillRaw(const char* end) {
  const char* begin = chunk_.data() + raw_start_;
  const size_t room = options_.max_record_bytes - std::min(raw_.size(), options_.max_record_bytes);
  raw_.append(begin, std::min(static_cast<size_t>(end - begin), room));
  raw_start_ = static_cast<size_t>(end - chunk_.data());
}

void CsvReader::SetRawView(const char* end) {
  if (raw_.empty()) {
    // The whole record is in the current chunk: a view, no copy.
    const char* begin = chunk_.data() + raw_start_;
    raw_view_ = std::string_view(begin, std::min(static_cast<size_t>(end - begin), options_.max_record_bytes));
    return;
  }
  SpillRaw(end);
  raw_view_ = raw_;
}

const char* CsvReader::RunEnd(const char* p, const char* end) const {
  const size_t used = RecordBytes(p);
  const size_t room = used < options_.max_record_bytes ? options_.max_record_bytes - used : 0;
  return static_cast<size_t>(end - p) > room ? p + room : end;
}

const char* CsvReader::ScanUnquoted(const char* p, const char* run_end) const {
#if defined(__SSE2__)
  // Sixteen bytes at a time while they are all inside the run: most fields end in the
  // first block.
  const __m128i delimiter = _mm_set1_epi8(options_.delimiter);
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i escape = _mm_set1_epi8(options_.escape != '\0' ? options_.escape : '\n');
  while (run_end - p >= 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i ends = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, delimiter), _mm_cmpeq_epi8(bytes, escape)),
                                      _mm_or_si128(_mm_cmpeq_epi8(bytes, cr), _mm_cmpeq_epi8(bytes, lf)));
    const auto found = static_cast<unsigned>(_mm_movemask_epi8(ends));
    if (found != 0) return p + __builtin_ctz(found);
    p += 16;
  }
#endif
  while (p < run_end && !ends_unquoted_[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

size_t CsvReader::RecordBytes(const char* p) const {
  return in_record_ ? raw_.size() + static_cast<size_t>(p - (chunk_.data() + raw_start_)) : 0;
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
  return std::all_of(raw_view_.begin(), raw_view_.end(), IsSpace);
}

bool CsvReader::Consume() {
  const char* p = chunk_.data() + pos_;
  const char* const end = chunk_.data() + end_;
  const char delimiter = options_.delimiter;
  const char quote = options_.quote;
  const bool has_escape = options_.escape != '\0';
  // `line_break` ends the record (it is not part of the raw text).
  auto finish = [&](const char* line_break) {
    SetRawView(line_break);
    pos_ = static_cast<size_t>(line_break + 1 - chunk_.data());
    return true;
  };

  while (p < end) {
    const char c = *p;
    if (after_cr_ && c != '\n') after_cr_ = false;
    // The bound is checked at the exact byte that would exceed it (scanning runs stop
    // there too), so where chunks happen to end never changes the outcome. A line break
    // that ends the record is not part of it.
    const bool ends_record = IsLineBreak(c) && state_ != State::kQuoted && state_ != State::kEscaped;
    if (state_ != State::kSkipToLineEnd && state_ != State::kSkipLines && !ends_record &&
        RecordBytes(p) >= options_.max_record_bytes) {
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
          raw_start_ = static_cast<size_t>(p - chunk_.data());
        }
        if (quote != '\0' && c == quote) {
          any_quote_ = true;
          ++p;
          state_ = State::kQuoted;
          break;
        }
        if (c == delimiter) {
          ++p;
          EndField();
          break;
        }
        if (IsLineBreak(c)) {
          CountLineBreak(c);
          EndRecord();
          return finish(p);
        }
        // Straight into the field's text (the record bound is checked by the run).
        state_ = State::kUnquoted;
        [[fallthrough]];

      case State::kUnquoted: {
        const char* run = p;
        const char* run_end = RunEnd(p, end);
        p = ScanUnquoted(p, run_end);
        data_.append(run, p);
        // At the bound only a line break (which ends the record) goes on here.
        if (p == end || (p == run_end && !IsLineBreak(*p))) break;
        if (has_escape && *p == options_.escape) {
          ++p;
          escaped_from_ = State::kUnquoted;
          state_ = State::kEscaped;
        } else if (*p == delimiter) {
          ++p;
          EndField();
          state_ = State::kFieldStart;
        } else {
          CountLineBreak(*p);
          EndRecord();
          return finish(p);
        }
        break;
      }

      case State::kEscaped:
        data_.push_back(c);
        if (IsLineBreak(c)) CountLineBreak(c);
        ++p;
        state_ = escaped_from_;
        break;

      case State::kQuoted: {
        const char* run = p;
        const char* run_end = RunEnd(p, end);
        while (p < run_end && !ends_quoted_[static_cast<unsigned char>(*p)]) ++p;
        data_.append(run, p);
        if (p == run_end) break;
        if (has_escape && *p == options_.escape) {
          escaped_from_ = State::kQuoted;
          state_ = State::kEscaped;
        } else if (*p == quote) {
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
          ++p;
          state_ = State::kQuoted;
        } else if (c == delimiter) {
          ++p;
          EndField();
          state_ = State::kFieldStart;
        } else if (IsLineBreak(c)) {
          CountLineBreak(c);
          EndRecord();
          return finish(p);
        } else if (IsSpace(c)) {
          ++p;
          state_ = State::kAfterQuoted;
        } else {
          SetError(std::string("unexpected text after the closing quote of field ") +
                   std::to_string(field_ends_.size() + 1));
          state_ = State::kSkipToLineEnd;
        }
        break;

      case State::kSkipToLineEnd: {
        while (p < end && !IsLineBreak(*p)) ++p;
        if (p == end) break;
        CountLineBreak(*p);
        EndRecord();
        return finish(p);
      }
    }
  }
  // The chunk is about to be refilled: keep the part of the record read so far.
  if (in_record_ && state_ != State::kSkipLines) {
    SpillRaw(end);
    raw_start_ = 0;  // the next chunk starts the rest of the record
  }
  pos_ = end_;
  return false;
}

bool CsvReader::NextPlainRecord(CsvRecord& record) {
  const char* const begin = chunk_.data() + pos_;
  // The line must end before the record bound, as the state machine would accept it.
  const char* const stop = begin + std::min(end_ - pos_, options_.max_record_bytes);
  const char delimiter = options_.delimiter;
  std::vector<std::string_view>& fields = record.fields;
  fields.clear();
  const char* field = begin;
  const char* p = begin;
  auto add_fields = [&](unsigned delimiters) {
    while (delimiters != 0) {
      const char* at = p + __builtin_ctz(delimiters);
      fields.emplace_back(field, static_cast<size_t>(at - field));
      field = at + 1;
      delimiters &= delimiters - 1;
    }
  };
  bool at_special = false;
#if defined(__SSE2__)
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  // No quote or escape byte: a second LF test, which changes nothing.
  const __m128i quote = _mm_set1_epi8(options_.quote != '\0' ? options_.quote : '\n');
  const __m128i escape = _mm_set1_epi8(options_.escape != '\0' ? options_.escape : '\n');
  while (stop - p >= 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto found = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiters)));
    const auto special = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, lf), _mm_cmpeq_epi8(bytes, cr)),
                                       _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, escape)))));
    if (special != 0) {
      const int first = __builtin_ctz(special);
      add_fields(found & ((1u << first) - 1));
      p += first;
      at_special = true;
      break;
    }
    add_fields(found);
    p += 16;
  }
#endif
  if (!at_special) {
    for (; p < stop; ++p) {
      const char c = *p;
      if (c == '\n' || c == '\r' || (c == options_.quote && c != '\0') || (c == options_.escape && c != '\0')) break;
      if (c == delimiter) {
        fields.emplace_back(field, static_cast<size_t>(p - field));
        field = p + 1;
      }
    }
  }
  // A line without a delimiter may be blank: the state machine decides.
  if (p == stop || *p != '\n' || fields.empty()) {
    fields.clear();
    return false;
  }
  fields.emplace_back(field, static_cast<size_t>(p - field));
  record.line = line_++;
  record.raw = std::string_view(begin, static_cast<size_t>(p - begin));
  record.error.clear();
  record.error_column = 0;
  pos_ = static_cast<size_t>(p + 1 - chunk_.data());
  return true;
}

Result<bool> CsvReader::Next(CsvRecord& record) {
  // A new record starts here unless lines are still being skipped.
  if (state_ != State::kSkipLines && !after_cr_ && pos_ < end_ && NextPlainRecord(record)) return true;
  auto start_record = [&] {
    raw_.clear();
    raw_view_ = {};
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
      if (state_ == State::kQuoted || (state_ == State::kEscaped && escaped_from_ == State::kQuoted)) {
        SetError("quoted field is not closed before the end of the input");
      }
      EndRecord();
      raw_view_ = raw_;
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
  record.raw = raw_view_;
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
