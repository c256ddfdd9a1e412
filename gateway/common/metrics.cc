#include "gateway/common/metrics.h"

#include <algorithm>
#include <charconv>

namespace tributary {
namespace {

// A float as Prometheus reads it: the shortest text that round-trips.
std::string FloatText(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) return "0";
  return std::string(buffer, end);
}

// `labels` (rendered, "" or "{…}") with `le` added last.
std::string WithBound(const std::string& labels, const std::string& bound) {
  std::string le = "le=\"" + bound + "\"";
  if (labels.empty()) return "{" + le + "}";
  return labels.substr(0, labels.size() - 1) + "," + le + "}";
}

}  // namespace

void Metrics::Describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  family.type = type;
  family.help = help;
}

void Metrics::Add(const std::string& name, const Labels& labels, int64_t delta) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  std::string key = RenderLabels(labels);
  int64_t value = family.integers[key] += delta;
  family.series[key] = std::to_string(value);
}

void Metrics::Set(const std::string& name, const Labels& labels, int64_t value) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  std::string key = RenderLabels(labels);
  family.integers[key] = value;
  family.series[key] = std::to_string(value);
}

void Metrics::SetText(const std::string& name, const Labels& labels, std::string value) {
  std::lock_guard lock(mutex_);
  families_[name].series[RenderLabels(labels)] = std::move(value);
}

void Metrics::DescribeHistogram(const std::string& name, const std::string& help, std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  family.type = "histogram";
  family.help = help;
  std::sort(bounds.begin(), bounds.end());
  family.bounds = std::move(bounds);
}

void Metrics::Observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  auto found = families_.find(name);
  if (found == families_.end() || found->second.type != "histogram") return;
  Family& family = found->second;
  Family::Histogram& histogram = family.histograms[RenderLabels(labels)];
  histogram.buckets.resize(family.bounds.size() + 1);
  auto bucket = std::lower_bound(family.bounds.begin(), family.bounds.end(), value) - family.bounds.begin();
  ++histogram.buckets[static_cast<size_t>(bucket)];
  histogram.sum += value;
  ++histogram.count;
}

int64_t Metrics::ObservationCount(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) return 0;
  auto histogram = family->second.histograms.find(RenderLabels(labels));
  return histogram == family->second.histograms.end() ? 0 : histogram->second.count;
}

void Metrics::Clear(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return;
  it->second.series.clear();
  it->second.integers.clear();
  it->second.histograms.clear();
}

int64_t Metrics::Get(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) return 0;
  auto value = family->second.integers.find(RenderLabels(labels));
  return value == family->second.integers.end() ? 0 : value->second;
}

std::string Metrics::RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first + "=\"";
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "}";
}

std::string Metrics::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    if (!family.help.empty()) out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + family.type + "\n";
    for (const auto& [labels, value] : family.series) {
      out += name + labels + " " + value + "\n";
    }
    for (const auto& [labels, histogram] : family.histograms) {
      int64_t cumulative = 0;
      for (size_t i = 0; i < family.bounds.size(); ++i) {
        cumulative += histogram.buckets[i];
        out += name + "_bucket" + WithBound(labels, FloatText(family.bounds[i])) + " " + std::to_string(cumulative) +
               "\n";
      }
      out += name + "_bucket" + WithBound(labels, "+Inf") + " " + std::to_string(histogram.count) + "\n";
      out += name + "_sum" + labels + " " + FloatText(histogram.sum) + "\n";
      out += name + "_count" + labels + " " + std::to_string(histogram.count) + "\n";
    }
  }
  return out;
}

}  // namespace tributary
