// The secure parse of xml_support.h, through the xml reader: entity declarations and
// over-long values are refused by the parser in every encoding, UTF-16 without a
// byte-order mark is recognised.
#include "gateway/readers/xml_support.h"

#include <libxml/xmlmemory.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using testing::Options;
using testing::Path;
using testing::Plan;
using testing::ReadAll;

constexpr const char* kCamt = R"(reader:
  type: xml
  records: //camt:Ntry
  namespaces: {camt: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*"}
)";

constexpr const char* kEntityRefused = "the document declares entities (<!ENTITY ...>), which are refused";

std::string Utf16(std::string_view ascii, bool little_endian, bool bom) {
  std::string out;
  if (bom) out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (char c : ascii) {
    out.push_back(little_endian ? c : '\0');
    out.push_back(little_endian ? '\0' : c);
  }
  return out;
}

// A camt.053 entry whose remittance text references an internal entity `count` times.
std::string CamtWithEntity(size_t entity_bytes, int count, std::string_view declared_encoding) {
  std::string refs;
  for (int i = 0; i < count; ++i) refs += "&e;";
  return "<?xml version=\"1.0\" encoding=\"" + std::string(declared_encoding) + "\"?>\n" +
         "<!DOCTYPE Document [<!ENTITY e \"" + std::string(entity_bytes, 'A') + "\">]>\n" +
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Ntry>"
         "<Amt Ccy=\"EUR\">1.00</Amt><NtryDtls><TxDtls><RmtInf><Ustrd>" +
         refs + "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>\n";
}

// Records the largest single allocation libxml2 asks for while it lives.
class LargestLibxmlAllocation {
 public:
  LargestLibxmlAllocation() {
    xmlMemGet(&saved_free_, &saved_malloc_, &saved_realloc_, &saved_strdup_);
    largest_ = 0;
    xmlMemSetup(&Free, &Malloc, &Realloc, &Strdup);
  }
  ~LargestLibxmlAllocation() { xmlMemSetup(saved_free_, saved_malloc_, saved_realloc_, saved_strdup_); }
  LargestLibxmlAllocation(const LargestLibxmlAllocation&) = delete;
  LargestLibxmlAllocation& operator=(const LargestLibxmlAllocation&) = delete;

  [[nodiscard]] static size_t largest() { return largest_; }

 private:
  static void Note(size_t size) { largest_ = std::max(largest_, size); }
  static void Free(void* block) { std::free(block); }
  static void* Malloc(size_t size) {
    Note(size);
    return std::malloc(size);
  }
  static void* Realloc(void* block, size_t size) {
    Note(size);
    return std::realloc(block, size);
  }
  static char* Strdup(const char* text) {
    Note(std::strlen(text) + 1);
    return ::strdup(text);
  }

  static inline size_t largest_ = 0;
  xmlFreeFunc saved_free_ = nullptr;
  xmlMallocFunc saved_malloc_ = nullptr;
  xmlReallocFunc saved_realloc_ = nullptr;
  xmlStrdupFunc saved_strdup_ = nullptr;
};

TEST(XmlSecureParse, Utf16DocumentsDeclaringEntitiesAreRefusedBeforeAnyExpansion) {
  auto options = Options(kCamt);
  // 4 KiB referenced 1,000 times: a 4 MiB remittance text if the entity were accepted
  // (the same attack at 64 KiB x 4,000 stored a 256 MiB field).
  const std::string document = CamtWithEntity(4096, 1000, "UTF-16");
  for (const bool little_endian : {true, false}) {
    for (const bool bom : {true, false}) {
      SCOPED_TRACE(std::string(little_endian ? "UTF-16LE" : "UTF-16BE") + (bom ? " with BOM" : " without BOM"));
      LargestLibxmlAllocation allocations;
      auto result = ReadAll(*options, Plan({Path("camt:Amt"), Path("camt:NtryDtls/camt:TxDtls/camt:RmtInf/camt:Ustrd")}),
                            Utf16(document, little_endian, bom));
      EXPECT_EQ(result.start_error, kEntityRefused);
      EXPECT_TRUE(result.rows.empty());
      EXPECT_LT(LargestLibxmlAllocation::largest(), size_t{1024 * 1024});
    }
  }
}

TEST(XmlSecureParse, EntityDeclarationsAreRefusedInUtf8AndLatin1Too) {
  auto options = Options(kCamt);
  EXPECT_EQ(ReadAll(*options, Plan({Path("camt:Amt")}), CamtWithEntity(16, 3, "UTF-8")).start_error, kEntityRefused);
  EXPECT_EQ(ReadAll(*options, Plan({Path("camt:Amt")}), CamtWithEntity(16, 3, "ISO-8859-1")).start_error,
            kEntityRefused);
  // Unparsed (NDATA) and parameter entities too.
  auto plain = Options("reader: {type: xml, records: /a}");
  EXPECT_EQ(ReadAll(*plain, Plan({Path(".")}), "<!DOCTYPE a [<!NOTATION n SYSTEM 'x'><!ENTITY u SYSTEM 'y' NDATA n>]><a/>")
                .start_error,
            kEntityRefused);
  EXPECT_EQ(ReadAll(*plain, Plan({Path(".")}), "<!DOCTYPE a [<!ENTITY % p 'x'>]><a/>").start_error, kEntityRefused);
  // The text "<!ENTITY" in a comment or in text declares nothing.
  auto result = ReadAll(*plain, Plan({Path(".")}), "<!-- <!ENTITY x 'y'> --><a>&lt;!ENTITY</a>");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("<!ENTITY"));
}

TEST(XmlSecureParse, ATextLongerThanTheBoundIsRefusedWithItsLine) {
  auto options = Options("reader: {type: xml, records: //b}");
  const std::string text(kMaxXmlValueBytes + 1, 'x');
  EXPECT_EQ(ReadAll(*options, Plan({Path(".")}), "<a>\n<b>" + text + "</b></a>").start_error,
            "the text of element <b> at line 2 is longer than 8388608 bytes, the most an XML value may be");
  // The same in pieces (text, a character reference, CDATA) is one value, and refused too.
  const std::string half(kMaxXmlValueBytes / 2, 'y');
  EXPECT_EQ(ReadAll(*options, Plan({Path(".")}), "<a><b>" + half + "&#233;<![CDATA[" + half + "]]></b></a>").start_error,
            "the text of element <b> at line 1 is longer than 8388608 bytes, the most an XML value may be");
  // At the bound it is read.
  auto result = ReadAll(*options, Plan({Path("string-length(.)")}),
                        "<a><b>" + std::string(kMaxXmlValueBytes, 'z') + "</b></a>");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].values[0], std::to_string(kMaxXmlValueBytes));
}

TEST(XmlSecureParse, AnAttributeLongerThanTheBoundIsRefused) {
  auto options = Options("reader: {type: xml, records: //b}");
  const std::string value(kMaxXmlValueBytes + 1, 'x');
  EXPECT_EQ(ReadAll(*options, Plan({Path("@c")}), "<a>\n\n<b c=\"" + value + "\"/></a>").start_error,
            "attribute c of element <b> at line 3 is longer than 8388608 bytes, the most an XML value may be");
  // In UTF-16 the bound counts the decoded (UTF-8) bytes.
  EXPECT_EQ(ReadAll(*options, Plan({Path("@c")}), Utf16("<a><b c=\"" + value + "\"/></a>", false, true)).start_error,
            "attribute c of element <b> at line 1 is longer than 8388608 bytes, the most an XML value may be");
}

TEST(XmlSecureParse, Utf16WithoutByteOrderMarkOrDeclarationIsRecognised) {
  auto options = Options(kCamt);
  const std::string document =
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Ntry>"
      "<Amt Ccy=\"EUR\">12.50</Amt></Ntry></Stmt></BkToCstmrStmt></Document>";
  for (const bool little_endian : {true, false}) {
    SCOPED_TRACE(little_endian ? "UTF-16LE" : "UTF-16BE");
    auto result = ReadAll(*options, Plan({Path("camt:Amt"), Path("camt:Amt/@Ccy")}), Utf16(document, little_endian, false));
    ASSERT_EQ(result.start_error, "");
    ASSERT_EQ(result.rows.size(), 1u);
    EXPECT_THAT(result.rows[0].values, ElementsAre("12.50", "EUR"));
    EXPECT_EQ(result.info.encoding, little_endian ? "utf-16le" : "utf-16be");
  }
}

}  // namespace
}  // namespace tributary::readers
