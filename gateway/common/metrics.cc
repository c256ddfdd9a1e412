#include "gateway/common/metrics.h"

namespace tributary {

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

void Metrics::Clear(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return;
  it->second.series.clear();
  it->second.integers.clear();
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
  }
  return out;
}

}  // namespace tributary
