// CheckRequestFraming on its own: which Transfer-Encoding and Content-Length combinations
// the server accepts.
#include "gateway/http/request_framing.h"

#include <gtest/gtest.h>

namespace tributary::http {
namespace {

TEST(RequestFramingTest, OnlyExactlyChunkedIsAccepted) {
  EXPECT_EQ(CheckRequestFraming({}, false), 0);
  EXPECT_EQ(CheckRequestFraming({}, true), 0);
  EXPECT_EQ(CheckRequestFraming({"chunked"}, false), 0);
  EXPECT_EQ(CheckRequestFraming({"Chunked"}, false), 0);
  EXPECT_EQ(CheckRequestFraming({" chunked , "}, false), 0);
  EXPECT_EQ(CheckRequestFraming({"chunked, identity"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"identity"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"xchunked"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"gzip, chunked"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"chunked, chunked"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"chunked", "chunked"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"gzip", "chunked"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"chunked;x=1"}, false), 501);
  EXPECT_EQ(CheckRequestFraming({""}, false), 501);
  EXPECT_EQ(CheckRequestFraming({"chunked"}, true), 400);
  EXPECT_EQ(CheckRequestFraming({"xchunked"}, true), 400);
}

}  // namespace
}  // namespace tributary::http
