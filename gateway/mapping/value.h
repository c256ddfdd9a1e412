// The typed value an expression yields for one record, and the arena its computed text
// lives in. Internal to the mapping module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/model/decimal.h"

namespace tributary::mapping {

// A small value, cheap to copy: text is a view (into the record, the compiled mapping or
// a TextArena), so evaluating a record allocates nothing in the common case.
struct Value {
  enum class Kind : uint8_t {
    kNull,     // no value: an empty column, a path that matched nothing, an empty result
    kText,     // `text`, never empty (empty text is kNull)
    kDecimal,  // `decimal`: an exact amount or number
    kDate,     // `number`: days since 1970-01-01
    kInteger,  // `number`
    kBool,     // `flag`
    kError,    // `text`: why the value cannot be computed; becomes a reject
  };
  Kind kind = Kind::kNull;
  bool flag = false;
  int column = 0;  // 1-based source column the value came from (csv, fixed_width); 0 otherwise
  int64_t number = 0;
  std::string_view text;
  model::Decimal decimal;

  [[nodiscard]] bool IsNull() const { return kind == Kind::kNull; }
  [[nodiscard]] bool IsError() const { return kind == Kind::kError; }

  static Value Null(int column = 0) {
    Value value;
    value.column = column;
    return value;
  }
  // Empty text is null.
  static Value Text(std::string_view text, int column = 0) {
    Value value;
    value.kind = text.empty() ? Kind::kNull : Kind::kText;
    value.text = text;
    value.column = column;
    return value;
  }
  static Value Error(std::string_view reason, int column = 0) {
    Value value;
    value.kind = Kind::kError;
    value.text = reason;
    value.column = column;
    return value;
  }
  static Value OfDecimal(const model::Decimal& decimal, int column = 0) {
    Value value;
    value.kind = Kind::kDecimal;
    value.decimal = decimal;
    value.column = column;
    return value;
  }
  static Value Date(int64_t days, int column = 0) {
    Value value;
    value.kind = Kind::kDate;
    value.number = days;
    value.column = column;
    return value;
  }
  static Value Integer(int64_t number, int column = 0) {
    Value value;
    value.kind = Kind::kInteger;
    value.number = number;
    value.column = column;
    return value;
  }
  static Value Bool(bool flag, int column = 0) {
    Value value;
    value.kind = Kind::kBool;
    value.flag = flag;
    value.column = column;
    return value;
  }
};

// Storage for text computed while mapping one record (templates, concatenations, error
// reasons). Views it hands out stay valid until Reset(); Reset() keeps the memory, so a
// run stops allocating once its blocks are warm. Not thread-safe: one per run.
class TextArena {
 public:
  // A copy of `text` that lives until Reset().
  std::string_view Copy(std::string_view text);
  // Frees every view handed out since the last Reset(), keeping the memory.
  void Reset();

 private:
  static constexpr size_t kBlockSize = 16 * 1024;
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  std::vector<Block> blocks_;
  size_t block_ = 0;  // the block being filled
  size_t used_ = 0;   // bytes used in it
};

}  // namespace tributary::mapping
