// A mapping: a YAML file that turns the rows of one source format into canonical
// entities (see docs/mappings.md for the language).
//
// Loading compiles the file once (field expressions, date patterns, templates) and
// reports every problem with file:line:col. Running streams one input in constant memory
// and sends records and rejects to a RecordSink in file order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "gateway/common/diagnostic.h"
#include "gateway/common/result.h"
#include "gateway/model/record_sink.h"

namespace tributary::mapping {

// What a run knows about the file it maps; fills the envelope and provenance.
struct MappingContext {
  std::string tenant = "default";
  std::string source = "map";  // connector name: the first part of every key
  std::string legal_entity;
  std::string file_name;
  std::string file_sha256;
  std::string source_updated_at;  // RFC 3339 UTC, the file's mtime
  // Overrides of the mapping's declared parameters (a scalar is a list of one). Naming a
  // parameter the mapping does not declare makes Run() fail.
  std::map<std::string, std::vector<std::string>> parameters;
  // Grouping (docs/mappings.md, "Grouping"): the memory the groups of a run may take,
  // shared equally by its grouped entities, before they spill to temporary files in
  // `group_spill_dir` ("": $TMPDIR, else /tmp). The files are removed as they are created
  // and vanish when the run ends, however it ends.
  size_t group_memory_bytes = size_t{64} << 20;
  std::string group_spill_dir;
  // Called by Run() on its own thread with the source records read so far, every
  // kProgressRows records (never per record: the loop is hot). Null: not called. The
  // callee decides how often to pass it on (the file pickup: every 250 ms).
  std::function<void(int64_t rows)> progress;
};

// How many source records Run() reads between two calls of MappingContext::progress (and
// two looks at its stop token).
inline constexpr int64_t kProgressRows = 256;

// One entity a mapping produces, with how its feed treats it.
struct EntityInfo {
  std::string entity;
  bool closes_by_absence = false;  // a snapshot closes entities absent from the newest file
  bool repeatable = false;         // the same key on several rows of one file is expected
};

struct RunStats {
  int64_t rows = 0;     // source records read (csv: data rows; header, blank and skipped lines excluded)
  int64_t records = 0;  // canonical records sent to the sink
  int64_t rejects = 0;  // rejects sent to the sink
  int64_t skipped = 0;  // source records every entity's `filter` left out
  int64_t groups = 0;   // groups formed by grouped entities (before `having`)
  int64_t group_spills = 0;  // runs grouped entities wrote to temporary files (0: all fit in memory)
};

struct CompiledMapping;  // mapping_rules.h

// An immutable, compiled mapping. Run() is const and keeps its state on the stack, so one
// Mapping may serve several threads at once.
class Mapping {
 public:
  // Reads and compiles the mapping file at `path`.
  static std::expected<std::unique_ptr<Mapping>, Diagnostics> Load(const std::string& path);
  // Compiles `text` as if it were the file `display_name` in folder `base_dir`.
  static std::expected<std::unique_ptr<Mapping>, Diagnostics> Parse(const std::string& text,
                                                                    const std::string& display_name,
                                                                    const std::string& base_dir);
  ~Mapping();

  const std::string& name() const;
  // The first 12 hex digits of the SHA-256 of the mapping file: names this exact version
  // in every record's provenance.
  const std::string& version() const;
  // The entities the mapping produces, in the order their records arrive for a row.
  std::span<const EntityInfo> entities() const;
  // Every distinct `path` the mapping reads (xml: XPath; json, json_lines: dotted path),
  // as written, once each, in the order the loader first meets them: entity by entity,
  // its filter, group, source key, lifecycle, fields (object members and list items
  // included), custom members; `{NAME}` in a template and `custom: [NAME]` are paths of
  // an xml or json mapping too. Paths of an entity with its own `records:` are relative
  // to those records. Empty for csv and fixed_width mappings (they read columns).
  // For an API connector that must ask for exactly the fields its mapping reads
  // (a query language where `Account.Name` is the parent's Name). A json member the record
  // lacks reads as null, so a connector may leave out a field the source does not have.
  const std::vector<std::string>& SourcePaths() const;
  // What one source record is called in summaries: "row" (csv, fixed_width) or "source
  // record" (an xml element, a json object).
  std::string_view source_record_noun() const;

  // Streams `input`; records and rejects go to `sink` in file order (the records of grouped
  // entities after the last source record, in the order of each group's first record). An
  // error return means the file as a whole is unusable (a column the mapping needs is
  // missing from the header, malformed XML, an undetectable encoding, an unreadable stream,
  // an undeclared parameter in `context`, a sink error, or kCancelled when `stop` is
  // requested); record problems are rejects, never errors.
  Result<RunStats> Run(std::istream& input, const MappingContext& context, model::RecordSink& sink,
                       std::stop_token stop = {}) const;

  // The error Run() would give for these parameter overrides (a name the mapping does not
  // declare, several values for a parameter read as one value), without running: Ok when
  // Run() takes them. For `tributary check` and the daemon's start.
  Status CheckParameters(const std::map<std::string, std::vector<std::string>>& overrides) const;

 private:
  explicit Mapping(std::unique_ptr<const CompiledMapping> compiled);
  std::unique_ptr<const CompiledMapping> compiled_;
};

}  // namespace tributary::mapping
