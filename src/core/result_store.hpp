#pragma once
// The results store of a sweep (issue: "sweeps that survive"): every finished instance is appended
// as one JSON line, flushed and fsynced, so that a sweep killed at any moment loses only the
// instances in flight. Rerunning the same command reads the store, skips what it holds and runs
// the rest; the results are deterministic, so the final outputs are the same bytes as an
// uninterrupted run.
//
// A line is {"index": i, "count": N, "results": [...], "n_results": r, "checksum": "..."}: the
// instance's index in the proof's instance list, the list's length, its results, how many there
// are, and a checksum (64-bit FNV-1a in hex) over the store's name, index, count, n_results and
// the results. A line that does not parse (the torn last line of a killed run) is ignored, as are
// lines of another count (a changed instance list). A line that parses but fails its checksum or
// its count (an edited verdict, number or label, results emptied), and an instance stored twice
// with different contents, are not trusted: the instance is recomputed and load() says why in
// `warnings`. The checksum finds edits and corruption; it is not a signature against a forger.
// Which store belongs to which command: store_path() names the file after a hash of everything
// that determines the instances and their results (proof, grid, seed, arithmetics, semantics,
// tool version).
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace freelunch {

nlohmann::json to_json(const CheckResult& r);
// UsageError naming the field when a field is missing or has the wrong type.
CheckResult check_result_from_json(const nlohmann::json& j);

// 64-bit FNV-1a, for file names that must not change between runs or platforms.
std::uint64_t stable_hash(const std::string& text);

// DIR/.store/<id>-<16 hex digits>.jsonl, the hex digits the stable hash of `identity`.
std::string store_path(const std::string& dir, const std::string& id, const std::string& identity);

class ResultStore {
 public:
  explicit ResultStore(std::string path) : path_(std::move(path)) {}
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;
  const std::string& path() const { return path_; }
  // The finished instances of a list of `count`; records not trusted are left out, each with a
  // one-line reason appended to `warnings` (when given).
  std::map<std::size_t, std::vector<CheckResult>> load(std::size_t count, std::vector<std::string>* warnings = nullptr) const;
  // Appends one finished instance, durably (write, then fsync). Thread-safe.
  void append(std::size_t index, std::size_t count, const std::vector<CheckResult>& results);
  // Deletes the store (--fresh).
  void remove() const;

 private:
  // The checksum of one record: binds it to this store (its file name), index and count.
  std::string checksum(std::size_t index, std::size_t count, const nlohmann::json& results) const;
  std::string path_;
  std::mutex mutex_;
  int fd_ = -1;
};

}  // namespace freelunch
