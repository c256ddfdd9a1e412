// libFuzzer target: the xml reader (and the csv reader's encoding settling) over one
// document in several encodings, under a memory limit (scripts/fuzz.sh runs it with
// -rss_limit_mb=512), so that a document which makes the reader allocate far more than
// its size (entity expansion, a huge value copied again and again) is a finding.
//
// Input: a selector byte, then the document as UTF-8 text. The selector's low three bits
// choose how the text reaches the reader: 0 UTF-8, 1 UTF-8 with a BOM, 2 UTF-16LE with a
// BOM, 3 UTF-16LE without, 4 UTF-16BE with a BOM, 5 UTF-16BE without (bytes that are not
// UTF-8 become the code point of the same value), 6 and 7 the bytes as they are. The next
// bits choose the reader section: a camt.053 xml reader, a plain xml reader, a csv reader
// with the default encoding. Beyond ASan/UBSan: one value per planned field, values and
// raw text valid UTF-8.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/config/config_node.h"
#include "gateway/readers/encoding.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"
#include "gateway/readers/xml_support.h"

namespace {

using tributary::readers::FieldSelector;
using tributary::readers::ReaderOptions;
using tributary::readers::ReadPlan;

struct Setup {
  std::shared_ptr<const ReaderOptions> options;
  ReadPlan plan;
};

FieldSelector Column(std::string name) { return {FieldSelector::Kind::kColumn, std::move(name)}; }
FieldSelector Path(std::string path) { return {FieldSelector::Kind::kPath, std::move(path)}; }

Setup Make(const std::string& reader_yaml, ReadPlan plan) {
  auto document = tributary::config::ConfigDocument::Parse("reader: " + reader_yaml + "\n", "fuzz.yaml", "/");
  auto options = tributary::readers::ParseReaderOptions(document->root().Child("reader"));
  if (!options || !document->diagnostics().empty()) {
    std::fprintf(stderr, "fuzz setup: the reader section %s does not load\n", reader_yaml.c_str());
    std::abort();
  }
  return {*options, std::move(plan)};
}

std::vector<Setup> Setups() {
  std::vector<Setup> setups;
  setups.push_back(Make(R"({type: xml, namespaces: {camt: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*"},
                            records: "//camt:Ntry"})",
                        {{{"//camt:Ntry", {Path("camt:Amt"), Path("camt:Amt/@Ccy"),
                                           Path("camt:NtryDtls/camt:TxDtls/camt:RmtInf/camt:Ustrd"),
                                           Path("string(.)")}}}}));
  setups.push_back(Make(R"({type: xml, records: "//r"})",
                        {{{"//r", {Path("@id"), Path("."), Path("string(/)"), Path("comment()")}}}}));
  setups.push_back(Make(R"({type: csv, delimiter: ";"})", {{{"", {Column("id"), Column("amount")}}}}));
  return setups;
}

// The code points of `text` (UTF-8; a byte that does not start a sequence stands for itself).
std::u32string CodePoints(std::string_view text) {
  std::u32string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 1;
    const std::string_view sequence = text.substr(i, length);
    if (length > 1 && sequence.size() == length &&
        tributary::readers::FindInvalidUtf8(sequence) == std::string_view::npos) {
      char32_t cp = lead & (0x7F >> length);
      for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(sequence[k]) & 0x3F);
      out.push_back(cp);
      i += length;
    } else {
      out.push_back(lead);
      ++i;
    }
  }
  return out;
}

std::string Utf16(std::string_view text, bool little_endian, bool bom) {
  std::string out;
  const auto unit = [&](char16_t u) {
    out.push_back(static_cast<char>(little_endian ? u & 0xFF : u >> 8));
    out.push_back(static_cast<char>(little_endian ? u >> 8 : u & 0xFF));
  };
  if (bom) unit(0xFEFF);
  for (char32_t cp : CodePoints(text)) {
    if (cp < 0x10000) {
      unit(static_cast<char16_t>(cp));
    } else {
      unit(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      unit(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    }
  }
  return out;
}

std::string Encode(std::string_view text, unsigned form) {
  switch (form) {
    case 1: return "\xEF\xBB\xBF" + std::string(text);
    case 2: return Utf16(text, true, true);
    case 3: return Utf16(text, true, false);
    case 4: return Utf16(text, false, true);
    case 5: return Utf16(text, false, false);
    default: return std::string(text);
  }
}

[[noreturn]] void Broken(const std::string& what) {
  std::fprintf(stderr, "property broken: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Setup> kSetups = Setups();
  if (size == 0) return 0;
  const Setup& setup = kSetups[(data[0] >> 3) % kSetups.size()];
  std::istringstream input(Encode(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), data[0] & 7));
  auto reader = tributary::readers::OpenReader(*setup.options, setup.plan, input, "fuzz-input");
  if (!reader->Start()) return 0;
  tributary::readers::SourceRecord record;
  while (true) {
    auto more = reader->Next(record);
    if (!more || !*more) break;
    if (tributary::readers::FindInvalidUtf8(record.raw) != std::string_view::npos) Broken("raw is not UTF-8");
    if (!record.error.empty()) continue;
    if (record.values.size() != setup.plan.plans[record.plan].fields.size()) Broken("values and fields differ");
    for (const auto& value : record.values) {
      if (!value.present) continue;
      if (tributary::readers::FindInvalidUtf8(value.text) != std::string_view::npos) Broken("a value is not UTF-8");
    }
  }
  return 0;
}
