#include "output/result_tables.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "output/provenance.hpp"

namespace freelunch::output {
namespace {

bool selected(const CheckResult& r, PivotBy by, const std::vector<std::string>& prefixes) {
  if (by == PivotBy::precision && r.precision.starts_with("exact")) return false;
  if (prefixes.empty()) return true;
  for (const std::string& p : prefixes)
    if (r.precision.starts_with(p)) return true;
  return false;
}

std::string cell(const CheckResult& r) {
  if (r.verdict == Verdict::measured) return r.detail;
  if (r.verdict == Verdict::fails) return "fails: " + r.detail;
  return to_string(r.verdict);
}

}  // namespace

LatexTable pivot_table(const ProofReport& report, PivotBy by, const std::string& label, const std::string& caption,
                       const std::vector<std::string>& precision_prefixes) {
  std::vector<std::string> instances, columns;
  std::set<std::string> precisions, semantics;
  std::map<std::pair<std::string, std::string>, std::string> cells;
  for (const CheckResult& r : report.results) {
    if (!selected(r, by, precision_prefixes)) continue;
    const std::string column = by == PivotBy::check ? r.check : r.precision;
    if (std::find(instances.begin(), instances.end(), r.instance) == instances.end()) instances.push_back(r.instance);
    if (std::find(columns.begin(), columns.end(), column) == columns.end()) columns.push_back(column);
    precisions.insert(r.precision);
    semantics.insert(r.semantics);
    cells[{r.instance, column}] = cell(r);
  }
  LatexTable t;
  t.caption = caption;
  t.label = "tab:" + label;
  t.header.push_back("instance");
  t.header.insert(t.header.end(), columns.begin(), columns.end());
  for (const std::string& inst : instances) {
    std::vector<std::string> row{inst};
    for (const std::string& c : columns) {
      auto it = cells.find({inst, c});
      row.push_back(it == cells.end() ? "--" : it->second);
    }
    t.rows.push_back(row);
  }
  std::string semantics_list;
  for (const auto& s : semantics) semantics_list += (semantics_list.empty() ? "" : "; ") + s;
  t.provenance = provenance(report, semantics_list, std::vector<std::string>(precisions.begin(), precisions.end()));
  return t;
}

LatexTable verdict_table(const ProofReport& report, const std::string& label) {
  std::vector<std::string> checks, arithmetics;
  // (check, arithmetic) -> verdict counts.
  std::map<std::pair<std::string, std::string>, std::map<Verdict, std::size_t>> cells;
  std::map<std::string, const CheckResult*> first_failure;
  std::set<std::string> semantics;
  for (const CheckResult& r : report.results) {
    if (std::find(checks.begin(), checks.end(), r.check) == checks.end()) checks.push_back(r.check);
    if (std::find(arithmetics.begin(), arithmetics.end(), r.precision) == arithmetics.end()) arithmetics.push_back(r.precision);
    semantics.insert(r.semantics);
    ++cells[{r.check, r.precision}][r.verdict];
    if (r.verdict == Verdict::fails && !first_failure.count(r.check)) first_failure[r.check] = &r;
  }
  auto word = [](Verdict v) { return v == Verdict::holds_numerically ? std::string("holds") : v == Verdict::not_applicable ? std::string("n/a") : to_string(v); };
  LatexTable t;
  t.caption = report.id + ": verdict per check and arithmetic, and the instances of each check per arithmetic (a cell with two "
              "verdicts counts each). verified: exact or certified; holds: numerically, finite precision without certificate; "
              "measured: a number reported without a verdict; --: not run in that arithmetic.";
  t.label = "tab:" + label;
  t.header = {"check", "instances"};
  t.header.insert(t.header.end(), arithmetics.begin(), arithmetics.end());
  for (const std::string& check : checks) {
    std::set<std::size_t> totals;
    std::vector<std::string> row{check, ""};
    for (const std::string& a : arithmetics) {
      const auto it = cells.find({check, a});
      if (it == cells.end()) {
        row.push_back("--");
        continue;
      }
      std::size_t total = 0;
      std::string cell;
      for (const auto& [v, n] : it->second) total += n;
      for (const auto& [v, n] : it->second) {
        if (!cell.empty()) cell += ", ";
        cell += word(v);
        if (n != total) cell.append(" ").append(std::to_string(n));
      }
      totals.insert(total);
      row.push_back(cell);
    }
    row[1] = totals.size() == 1 ? std::to_string(*totals.begin()) : "varies";
    if (first_failure.count(check)) row[0] += " (first failure: " + first_failure[check]->instance + ")";
    t.rows.push_back(row);
  }
  std::string semantics_list;
  for (const auto& s : semantics) semantics_list += (semantics_list.empty() ? "" : "; ") + s;
  t.provenance = provenance(report, semantics_list, arithmetics);
  t.column_spec = ">{\\raggedright\\arraybackslash}p{0.24\\linewidth}" + std::string(t.header.size() - 1, 'l');
  return t;
}

std::string terminal_summary(const ProofReport& report) {
  struct Tally {
    std::map<Verdict, std::size_t> counts;
    const CheckResult* first_failure = nullptr;
    const CheckResult* largest = nullptr;
  };
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, Tally> tallies;
  for (const CheckResult& r : report.results) {
    const auto key = std::make_pair(r.check, r.precision);
    if (!tallies.count(key)) order.push_back(key);
    Tally& t = tallies[key];
    ++t.counts[r.verdict];
    if (r.verdict == Verdict::measured && (!t.largest || r.magnitude > t.largest->magnitude)) t.largest = &r;
    if (r.verdict == Verdict::fails && !t.first_failure) t.first_failure = &r;
  }
  std::string out;
  for (const auto& key : order) {
    const Tally& t = tallies[key];
    std::size_t total = 0;
    for (const auto& [v, c] : t.counts) total += c;
    std::string verdicts;
    for (const auto& [v, c] : t.counts) {
      if (!verdicts.empty()) verdicts += ", ";
      verdicts += to_string(v);
      if (c != total) verdicts.append(" ").append(std::to_string(c)).append("/").append(std::to_string(total));
    }
    std::string line = "  " + key.first + " [" + key.second + "]: " + verdicts + " on " + std::to_string(total) + " instances";
    if (t.largest) line += "; largest: " + t.largest->detail + " (" + t.largest->instance + ")";
    if (t.first_failure) line += "; first failure: " + t.first_failure->instance + ": " + t.first_failure->detail;
    out += line + "\n";
  }
  return out;
}

}  // namespace freelunch::output
