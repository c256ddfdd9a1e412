// Turns one entity rule evaluated over a record (or a group) into a canonical record:
// evaluates the source key, fields, custom members and checks, types each value for its
// schema field, and writes the wire object as JSON text with its content hash (the same
// bytes and hash model::Finalize gives for the equivalent tree). Internal to the mapping
// module. Defined in record_builder.cc (the record) and record_typing.cc (the values).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/mapping/expression_eval.h"
#include "gateway/model/canonical.h"

namespace tributary::mapping {

// A problem found while building; the run turns it into a model::Reject.
struct PendingReject {
  int column = 0;
  std::string field;
  std::string reason;
};

// What the record looks like in `raw` and rejects.
struct RecordSource {
  const readers::RecordPlan* plan = nullptr;
  EvalScope scope;
  std::string_view raw;  // the record's text (`raw` of xml/json records, and of rejects)
  // csv/fixed_width: every column of the record and the names of the columns (`raw` object).
  std::span<const std::string_view> columns;
  const std::vector<std::string>* column_names = nullptr;
};

// One per run; single-threaded. Reuses its buffers from record to record.
class RecordBuilder {
 public:
  // `with_data`: the record leaves with its key, source key and content hash (the sink
  // stores it); `with_tree`: also its text parsed into CanonicalRecord::data.
  RecordBuilder(const CompiledMapping& mapping, const MappingContext& context, Evaluator& evaluator, bool with_data,
                bool with_tree);

  // Evaluates the source key of `entity`: its text, or empty after adding a reject.
  std::string SourceKey(size_t entity, const RecordSource& source, std::vector<PendingReject>& rejects);
  // The same as a view, valid until the evaluator's arena is reset (the next record).
  std::string_view SourceKeyText(size_t entity, const RecordSource& source, std::vector<PendingReject>& rejects);

  // Builds `entity` with its source key (empty when it failed: fields are still checked,
  // so every problem of the record is reported at once). Returns false (rejects added)
  // when something fails; `out` then holds nothing useful.
  bool Build(size_t entity, std::string_view source_key, const RecordSource& source, model::CanonicalRecord& out,
             std::vector<PendingReject>& rejects);

  // The name of source column `column` ("" when unknown).
  static std::string ColumnName(int column, const RecordSource& source);

  // Says that the next Build() calls are about another source record or group: the
  // `raw` text, shared by the entities of one record, is written again.
  void NewSource() { raw_ready_ = false; }

 private:
  // What typing learnt about the record, beyond the text.
  // Views, so that resetting it per record costs nothing: `currency` is fact_currency_,
  // `kind` one of the schema's enum words.
  struct Facts {
    std::string_view currency;
    int exponent = 2;  // the currency's
    std::optional<int64_t> open_minor;
    std::optional<int64_t> total_minor;
    std::optional<int64_t> amount_minor;
    std::string_view kind;
    bool has_due_date = false;

    // Member by member: assigning a new Facts copies it from a temporary on the stack.
    void Reset() {
      currency = {};
      exponent = 2;
      open_minor.reset();
      total_minor.reset();
      amount_minor.reset();
      kind = {};
      has_due_date = false;
    }
  };
  // The fields whose typed value the record's facts keep (by name, whatever the entity).
  enum class Role : uint8_t { kOther, kOpenAmount, kTotal, kAmount, kDueDate, kCurrency, kKind };
  // How a field that reads one source field as it is can be typed without the general
  // path (TypeField), when its value is the usual one; kNone: always the general path.
  enum class Shortcut : uint8_t {
    kNone,
    kText,     // string: the field's text, when it needs no escaping
    kIsoDate,  // date with the one format yyyy-MM-dd: the text, when it is such a date
    kAmount,   // money with a '.' decimal: the text, when already canonical (ReadCanonicalAmount)
    kCurrency, // currency: the last code read, when the text is the same
    kRef,      // `ref` to an entity of the mapping: its cached source key, when plain
    kEnumMap,  // enum through a `map:` alone: the enum word of the key written as mapped
  };
  // What a shortcut needs besides the field rule, prepared once per run.
  struct ShortcutData {
    std::string ref_prefix;  // kRef: `"source:entity:`
    // kEnumMap: per map key (as written), the schema's enum word it maps to; keys mapped
    // to no enum word are left out (the general path rejects them).
    std::vector<std::pair<std::string_view, std::string_view>> enum_words;
  };
  // One schema field of the record text after the constant text before it.
  struct Step {
    enum class Kind : uint8_t { kField, kCurrency, kDueDateSource };
    std::string literal;  // `,"name":`, with the members before it that are always null
    Kind kind = Kind::kField;
    Shortcut shortcut = Shortcut::kNone;  // kField
    size_t field = 0;  // kField: index in EntityRule::fields
    ShortcutData shortcut_data;  // kField
  };
  // The text of an entity's records that does not change within a run, in pieces.
  struct Layout {
    // `{"key":"source:entity:` when the key can be written from its parts (the context's
    // texts are valid UTF-8); empty otherwise.
    std::string key_prefix;
    std::string after_key;  // `,"tenant":…,"source_key":`
    std::string updated;    // `,"source_updated_at":…` (left out of the content hash)
    // The usual envelope's constant parts around the (plain) source key: `","tenant":…,
    // "source_key":"` and `"` with `updated`.
    std::string between_keys;
    std::string after_keys;
    std::vector<Step> steps;
    std::string after_fields_and_raw;  // the null members after the last step, then `,"raw":`
    std::vector<Role> roles;   // per EntityRule::fields
    bool receivable = false;   // the entity has the derived `status`
    Shortcut currency_shortcut = Shortcut::kNone;  // of EntityRule::currency_field
    ShortcutData currency_data;                    // (none needed: kCurrency)
  };
  static Role RoleOf(const std::string& name);
  // The shortcut of `rule`, with what it needs into `data` (kRef and kEnumMap only when
  // `data` is given).
  Shortcut ShortcutOf(const FieldRule& rule, ShortcutData* data) const;
  static Shortcut EnumMapShortcut(const Modifiers& modifiers, std::span<const std::string_view> allowed,
                                  std::vector<std::pair<std::string_view, std::string_view>>& words);
  // Types a field by its shortcut into `out`: true when done, false (nothing written)
  // when the value is not the usual one and TypeField must type it.
  bool TypeByShortcut(Shortcut shortcut, const FieldRule& rule, Role role, const ShortcutData& data,
                      const RecordSource& source, std::string& out);
  void PrepareLayouts();
  // The record's `lifecycle:` (active or voided) into `lifecycle`; false (a reject added)
  // for any other value, an empty one or an error.
  bool EvaluateLifecycle(const Expr& expr, const RecordSource& source, std::string_view& lifecycle,
                         std::vector<PendingReject>& rejects);
  bool TypeField(const FieldRule& rule, Role role, const EntityRule& entity, const RecordSource& source,
                 std::string& out, std::vector<PendingReject>& rejects);
  bool TypeObjectField(const FieldRule& rule, const EntityRule& entity, const RecordSource& source, std::string& out,
                       std::vector<PendingReject>& rejects);
  bool TypeScalar(const FieldRule& rule, Role role, const Value& value, std::string& out, std::string& error);
  bool TypeMoney(const FieldRule& rule, Role role, const Value& value, std::string& out, std::string& error);
  void RecordAmount(Role role, int64_t minor);  // into facts_, by the amount's role
  bool TypeCurrency(Role role, const Value& value, std::string& out, std::string& error);
  // The currency read last (currency_json_) into `out`, and into facts_ for kCurrency.
  void PutKnownCurrency(Role role, std::string& out);
  bool AppendText(std::string& out, std::string_view text, const std::string& field, int column,
                  std::vector<PendingReject>& rejects);
  void AppendRaw(const RecordSource& source, std::string& out);

  const CompiledMapping& mapping_;
  const MappingContext& context_;
  Evaluator& evaluator_;
  const bool with_data_;
  const bool with_tree_;  // with_data_ and the sink reads the `data` tree
  Facts facts_;
  std::vector<Layout> layouts_;      // per entity
  std::string currency_text_;        // the currency field's JSON, typed before the others
  // The last currency text read and what it gave: most files have one or two currencies.
  std::string currency_input_;
  std::string currency_code_;
  std::string currency_json_;
  int currency_exponent_ = 2;
  bool currency_known_ = false;
  std::string fact_currency_;  // the record's currency (facts_.currency views it)
  bool fact_currency_stale_ = false;  // currency_code_ changed since fact_currency_ was set
  std::string plain_;                // scratch: a value's plain text
  std::string date_;                 // scratch: a date's ISO text
  size_t json_capacity_ = 1024;      // the biggest record text so far, for reserve()
  std::string raw_;                  // `raw` of the current source, as JSON text
  const std::vector<std::string>* raw_names_for_ = nullptr;  // the column names raw_names_ is of
  std::vector<std::string> raw_names_;  // per column: `"name":`, or empty for a repeated name
  bool raw_ready_ = false;
  // Whether the current source's `raw` text needs no JSON escaping (set with raw_ready_);
  // plain_raw_ is that text when it does not, else empty.
  bool raw_plain_ = false;
  std::string_view plain_raw_;
  // The current source's `raw` text when it needs no JSON escaping but for its tabs (a
  // tab-separated line), else empty: its bytes without a tab need none.
  std::string_view plain_but_tabs_raw_;
};

}  // namespace tributary::mapping
