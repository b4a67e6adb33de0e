#include "tasks/softmax_copy_table.hpp"

#include <map>
#include <set>

#include "core/deviation.hpp"
#include "output/provenance.hpp"

namespace freelunch::tasks {

output::LatexTable t2_precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions,
                                      const std::vector<std::string>& schedule_kinds) {
  output::LatexTable t;
  t.caption = "T2 (v2 Thm 2): dimension-3 softmax attention copies (keys (1, j, j^2), queries beta(-p^2, 2p, -1), beta = 4, "
              "integer values in [-3, 3], N = 2L steps). P*: the least significand width P of mpfrP (P = 4..64) at which "
              "every checked row decodes its random input and its two worst cases, per schedule; the last row is the "
              "least-squares slope of P* against log2 L (THEORY: about 2). Per arithmetic: the schedules that decode at "
              "that L (intervals: certified for all inputs in [-3, 3]; rounded arithmetics: measured on the random input and "
              "the worst cases). For L > 256 "
              "a fixed sample of about 30 rows is checked (first 8, last 8, the 8 hardest, 16 evenly spaced).";
  t.label = "tab:t2-precision";
  t.header = {"L"};
  for (const std::string& kind : schedule_kinds) t.header.push_back("P* " + kind);
  std::vector<std::string> columns;
  for (const auto& p : precisions)
    if (!std::holds_alternative<arith::ExactSpec>(p.spec)) columns.push_back(p.name);
  t.header.insert(t.header.end(), columns.begin(), columns.end());

  std::set<std::size_t> lengths;
  std::map<std::pair<std::size_t, std::string>, std::string> p_star;          // (L, kind)
  std::map<std::pair<std::size_t, std::string>, std::vector<std::string>> ok;  // (L, precision): kinds that copy
  std::map<std::pair<std::size_t, std::string>, std::size_t> seen;             // (L, precision): kinds evaluated
  std::map<std::string, std::string> slopes;
  std::string semantics;
  for (const CheckResult& r : report.results) {
    if (r.check == "slope of P* against log2 L") {
      slopes[r.data["schedule"].get<std::string>()] = r.detail.substr(0, r.detail.find(' '));
      continue;
    }
    if (!r.data.contains("L") || !r.data.contains("schedule")) continue;
    const std::size_t length = r.data["L"].get<std::size_t>();
    const std::string kind = r.data["schedule"].get<std::string>();
    if (r.check == "least precision P* that copies") {
      lengths.insert(length);
      p_star[{length, kind}] = r.data["P*"].is_null() ? "> 64" : std::to_string(r.data["P*"].get<long>());
      semantics = r.semantics;
    } else if (r.check == "decoded COPY" && r.data.contains("copies")) {
      lengths.insert(length);
      ++seen[{length, r.precision}];
      if (r.data["copies"].get<bool>()) ok[{length, r.precision}].push_back(kind);
      semantics = r.semantics;
    }
  }
  for (const CheckResult& r : report.results) {
    if (r.check != "largest L that copies" || !r.data.contains("per_L")) continue;
    const std::string kind = r.data["schedule"].get<std::string>();
    for (const auto& entry : r.data["per_L"]) {
      const std::size_t length = entry["L"].get<std::size_t>();
      lengths.insert(length);
      ++seen[{length, r.precision}];
      if (entry["copies"].get<bool>()) ok[{length, r.precision}].push_back(kind);
    }
    semantics = r.semantics;
  }
  for (std::size_t length : lengths) {
    std::vector<std::string> row{std::to_string(length)};
    for (const std::string& kind : schedule_kinds) {
      auto it = p_star.find({length, kind});
      row.push_back(it == p_star.end() ? "--" : it->second);
    }
    for (const std::string& c : columns) {
      const std::size_t evaluated = seen.count({length, c}) ? seen[{length, c}] : 0;
      const std::vector<std::string> kinds = ok.count({length, c}) ? ok[{length, c}] : std::vector<std::string>{};
      std::string cell;
      if (evaluated == 0) cell = "--";
      else if (kinds.size() == evaluated) cell = "all";
      else if (kinds.empty()) cell = "none";
      else
        for (const std::string& k : kinds) cell += (cell.empty() ? "" : ", ") + k;
      row.push_back(cell);
    }
    t.rows.push_back(row);
  }
  std::vector<std::string> last{"slope"};
  for (const std::string& kind : schedule_kinds) last.push_back(slopes.count(kind) ? slopes[kind] : "--");
  for (std::size_t c = 0; c < columns.size(); ++c) last.push_back("");
  t.rows.push_back(last);
  t.provenance = output::provenance(report, semantics);
  return t;
}

}  // namespace freelunch::tasks
