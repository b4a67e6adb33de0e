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
              "integer values in [-3, 3], N = 2L steps), for every L in the first column (powers of two). P*: the least "
              "significand width P of mpfrP found by bisection over P in [4, 64] at which every checked row decodes its random "
              "input and its two worst cases, per schedule: every P in [P*, P* + 4] decodes and P* - 1 does not; the last row "
              "is the least-squares slope of P* against log2 L (THEORY: about 2). Per arithmetic: the schedules that decode at "
              "that L (intervals: certified for all inputs in [-3, 3]; rounded arithmetics: measured on the random input and "
              "the worst cases). \"sampled (k rows)\" after L (and the schedules named, when not all): those schedules have more "
              "than 512 outputs at that L, and k of their rows were checked (first 8, last 8, the 8 with the largest pos(i), "
              "16 evenly spaced), not every row; the row's cells say nothing about the others.";
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
  std::map<std::pair<std::size_t, std::string>, std::vector<std::string>> undecided;  // (L, precision): kinds undecided
  std::map<std::size_t, std::map<std::string, std::size_t>> sampled;  // L: schedule -> rows checked, where a sample
  auto note_rows = [&](std::size_t length, const std::string& kind, const nlohmann::json& d) {
    if (d.contains("rows") && d.contains("rows_total") && d["rows"] != d["rows_total"]) sampled[length][kind] = d["rows"].get<std::size_t>();
  };
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
      note_rows(length, kind, r.data);
      p_star[{length, kind}] = !r.data["P*"].is_null() ? std::to_string(r.data["P*"].get<long>())
                               : r.data.contains("claimed") && !r.data["claimed"].is_null() ? "refuted" : "> 64";
      semantics = r.semantics;
    } else if (r.check == "decoded COPY" && r.data.contains("copies")) {
      lengths.insert(length);
      note_rows(length, kind, r.data);
      ++seen[{length, r.precision}];
      if (r.data["copies"].get<bool>()) ok[{length, r.precision}].push_back(kind);
      else if (r.verdict == Verdict::undecided) undecided[{length, r.precision}].push_back(kind);
      semantics = r.semantics;
    }
  }
  for (const CheckResult& r : report.results) {
    if (r.check != "largest L that copies" || !r.data.contains("per_L")) continue;
    const std::string kind = r.data["schedule"].get<std::string>();
    for (const auto& entry : r.data["per_L"]) {
      const std::size_t length = entry["L"].get<std::size_t>();
      lengths.insert(length);
      note_rows(length, kind, entry);
      ++seen[{length, r.precision}];
      if (entry["copies"].get<bool>()) ok[{length, r.precision}].push_back(kind);
    }
    semantics = r.semantics;
  }
  for (std::size_t length : lengths) {
    std::string label = std::to_string(length);
    if (sampled.count(length)) {  // "512, shift sampled (30 rows)"; every schedule: "1024 sampled (30 rows)"
      std::set<std::size_t> counts;
      std::string kinds;
      for (const auto& [kind, rows] : sampled[length]) {
        counts.insert(rows);
        kinds += (kinds.empty() ? "" : ", ") + kind;
      }
      const bool every = sampled[length].size() == schedule_kinds.size();
      label += (every ? "" : ", " + kinds) + " sampled (" + std::to_string(*counts.begin()) +
               (counts.size() > 1 ? "-" + std::to_string(*counts.rbegin()) : "") + " rows)";
    }
    std::vector<std::string> row{label};
    for (const std::string& kind : schedule_kinds) {
      auto it = p_star.find({length, kind});
      row.push_back(it == p_star.end() ? "--" : it->second);
    }
    for (const std::string& c : columns) {
      const std::size_t evaluated = seen.count({length, c}) ? seen[{length, c}] : 0;
      const std::vector<std::string> kinds = ok.count({length, c}) ? ok[{length, c}] : std::vector<std::string>{};
      const std::vector<std::string> open = undecided.count({length, c}) ? undecided[{length, c}] : std::vector<std::string>{};
      std::string cell;
      if (evaluated == 0) cell = "--";
      else if (kinds.size() == evaluated) cell = "all";
      else if (kinds.empty() && open.empty()) cell = "none";
      else
        for (const std::string& k : kinds) cell += (cell.empty() ? "" : ", ") + k;
      for (const std::string& k : open) cell += (cell.empty() ? "" : ", ") + k + " undecided";
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
