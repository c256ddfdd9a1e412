// HttpClient on the libcurl easy API. One easy handle per client: libcurl keeps the
// connection (and the TLS session) alive between requests made through the same handle.
#include <curl/curl.h>
#include <strings.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "gateway/http/http_client.h"

namespace tributary::http {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  const std::string_view line = Trim(std::string_view(data, size * count));
  // A status line starts a new response (after "100 Continue", for instance): only the
  // headers of the final response are kept.
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    headers->emplace_back(std::string(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

ErrorCode MapCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::kTimeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return ErrorCode::kInvalidArgument;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
      return ErrorCode::kInternal;
    default:
      // Refused, reset, DNS, TLS handshake and verification failures, a peer that hung
      // up mid-answer: the peer (or the path to it) may be fine later.
      return ErrorCode::kUnavailable;
  }
}

class CurlClient final : public HttpClient {
 public:
  explicit CurlClient(ClientOptions options) : options_(std::move(options)) {
    GlobalInitOnce();
    handle_ = curl_easy_init();
  }
  ~CurlClient() override {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
  }
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  Result<Response> Send(const Request& request) override;

 private:
  ClientOptions options_;
  CURL* handle_ = nullptr;
};

Result<Response> CurlClient::Send(const Request& request) {
  if (handle_ == nullptr) return Fail(ErrorCode::kInternal, "curl_easy_init failed");
  // Reset drops the previous request's options but keeps the connection cache, so
  // keep-alive survives while no option leaks from one request into the next.
  curl_easy_reset(handle_);

  Response response;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(handle_, CURLOPT_URL, request.target.c_str());
  curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(handle_, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(handle_, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(handle_, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(handle_, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(handle_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(handle_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(handle_, CURLOPT_CAINFO, options_.ca_file.c_str());
  }
  if (!options_.client_cert_file.empty()) {
    curl_easy_setopt(handle_, CURLOPT_SSLCERT, options_.client_cert_file.c_str());
    curl_easy_setopt(handle_, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(handle_, CURLOPT_SSLKEY, options_.client_key_file.c_str());
    curl_easy_setopt(handle_, CURLOPT_SSLKEYTYPE, "PEM");
  }

  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(handle_, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(handle_, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(handle_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(handle_, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(handle_, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  Slist headers;
  auto append = [&headers](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next != nullptr) {
      (void)headers.release();
      headers.reset(next);
    }
    return next != nullptr;
  };
  bool has_expect = false;
  for (const auto& [name, value] : request.headers) {
    if (name.size() == 6 && ::strncasecmp(name.c_str(), "expect", 6) == 0) has_expect = true;
    // "Name;" is libcurl's spelling of a header with an empty value.
    if (!append(value.empty() ? name + ";" : name + ": " + value)) {
      return Fail(ErrorCode::kInternal, "out of memory building request headers");
    }
  }
  // libcurl would otherwise send "Expect: 100-continue" for bodies above 1 KiB and wait
  // up to a second for the interim answer on every such request.
  if (!has_expect && !append("Expect:")) {
    return Fail(ErrorCode::kInternal, "out of memory building request headers");
  }
  curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode code = curl_easy_perform(handle_);
  // The header list and error buffer die with this frame: make sure the handle does not
  // keep pointers to them.
  curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    std::string message = request.method + " " + RedactUrl(request.target) + ": ";
    message += error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return Fail(MapCurlCode(code), std::move(message));
  }
  long status = 0;
  curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace

std::unique_ptr<HttpClient> MakeCurlClient(const ClientOptions& options) {
  return std::make_unique<CurlClient>(options);
}

}  // namespace tributary::http
