#include "core/result_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "arith/errors.hpp"
#include "output/atomic_file.hpp"

namespace freelunch {
namespace {

Verdict parse_verdict(const std::string& s) {
  for (Verdict v : kAllVerdicts)
    if (to_string(v) == s) return v;
  throw UsageError("results store: unknown verdict '" + s + "'");
}

}  // namespace

nlohmann::json to_json(const CheckResult& r) {
  return {{"check", r.check},     {"instance", r.instance}, {"precision", r.precision}, {"semantics", r.semantics},
          {"verdict", to_string(r.verdict)}, {"detail", r.detail}, {"data", r.data}, {"magnitude", r.magnitude}};
}

CheckResult check_result_from_json(const nlohmann::json& j) {
  auto text = [&](const char* key) {
    if (!j.contains(key) || !j[key].is_string()) throw UsageError(std::string("results store: field '") + key + "' missing or not a string");
    return j[key].get<std::string>();
  };
  if (!j.contains("magnitude") || !j["magnitude"].is_number()) throw UsageError("results store: field 'magnitude' missing or not a number");
  CheckResult r{text("check"), text("instance"), text("precision"), text("semantics"), parse_verdict(text("verdict")), text("detail"),
                j.contains("data") ? j["data"] : nlohmann::json::object()};
  r.magnitude = j["magnitude"].get<double>();
  return r;
}

std::uint64_t stable_hash(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string store_path(const std::string& dir, const std::string& id, const std::string& identity) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(stable_hash(identity)));
  return (std::filesystem::path(dir) / ".store" / (id + "-" + hex + ".jsonl")).string();
}

std::string ResultStore::checksum(std::size_t index, std::size_t count, const nlohmann::json& results) const {
  const std::string text = std::filesystem::path(path_).filename().string() + "|" + std::to_string(index) + "|" + std::to_string(count) + "|" +
                           std::to_string(results.size()) + "|" + results.dump();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(stable_hash(text)));
  return hex;
}

std::map<std::size_t, std::vector<CheckResult>> ResultStore::load(std::size_t count, std::vector<std::string>* warnings) const {
  std::map<std::size_t, std::vector<CheckResult>> done;
  std::map<std::size_t, std::string> seen;  // index -> the checksum first stored for it
  std::set<std::size_t> distrusted;
  auto warn = [&](std::size_t line_number, const std::string& why) {
    if (warnings) warnings->push_back(path_ + ":" + std::to_string(line_number) + ": " + why);
  };
  std::ifstream in(path_);
  std::string line;
  for (std::size_t line_number = 1; std::getline(in, line); ++line_number) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
      if (j.at("count").get<std::size_t>() != count) continue;
    } catch (const std::exception&) {
      continue;  // a torn line (the run was killed while writing it) or a foreign one: not finished
    }
    std::size_t index = 0;
    try {
      index = j.at("index").get<std::size_t>();
      if (index >= count) continue;
      const nlohmann::json& results = j.at("results");
      if (!results.is_array() || j.at("n_results").get<std::size_t>() != results.size() ||
          j.at("checksum").get<std::string>() != checksum(index, count, results)) {
        warn(line_number, "instance " + std::to_string(index) + " fails its checksum; recomputing it");
        distrusted.insert(index);
        continue;
      }
      const std::string sum = j.at("checksum").get<std::string>();
      if (const auto it = seen.find(index); it != seen.end()) {
        if (it->second != sum) {
          warn(line_number, "instance " + std::to_string(index) + " is stored twice with different results; recomputing it");
          distrusted.insert(index);
        }
        continue;
      }
      std::vector<CheckResult> rs;
      for (const auto& r : results) rs.push_back(check_result_from_json(r));
      seen[index] = sum;
      done[index] = std::move(rs);
    } catch (const std::exception&) {
      warn(line_number, "a record that does not read as one; ignoring it");
    }
  }
  for (std::size_t index : distrusted) done.erase(index);
  return done;
}

void ResultStore::append(std::size_t index, std::size_t count, const std::vector<CheckResult>& results) {
  nlohmann::json list = nlohmann::json::array();
  for (const CheckResult& r : results) list.push_back(to_json(r));
  const nlohmann::json j = {{"index", index}, {"count", count}, {"results", list}, {"n_results", list.size()}, {"checksum", checksum(index, count, list)}};
  // A torn line left by a killed run has no newline: start on a fresh line.
  std::string line(1, '\n');  // (appended, not concatenated: GCC 12 warns falsely on "\n" + s)
  line += j.dump();
  line += '\n';
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ < 0) {
    const std::filesystem::path p(path_);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open the results store " + path_ + ": " + std::strerror(errno));
  }
  output::write_all(fd_, line, path_);
  if (::fsync(fd_) != 0) throw std::runtime_error("cannot flush the results store " + path_ + ": " + std::strerror(errno));
}

ResultStore::~ResultStore() {
  if (fd_ >= 0) ::close(fd_);
}

void ResultStore::remove() const { std::filesystem::remove(path_); }

}  // namespace freelunch
