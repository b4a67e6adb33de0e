#include "output/dp_tables.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "output/provenance.hpp"

namespace freelunch::output {
namespace {

std::string fixed2(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

}  // namespace

LatexTable dp_cost_table(const ProofReport& report, const std::string& theorem) {
  LatexTable t;
  t.caption = theorem + ": cost of generating the chain of thought, counted by the evaluator (numbers held in the state or KV "
              "cache, multiply-adds of the last step and in total) at the largest T, and least-squares log-log slopes over "
              "T = 2^6..2^16.";
  t.label = "tab:" + theorem + "-cost";
  t.header = {"problem", "model", "T", "state", "per step", "total", "slope state", "slope total"};
  t.on_terminal = true;
  for (const CheckResult& r : report.results) {
    if (r.check != "cost against T") continue;
    const auto& last = r.data["points"].back();
    t.rows.push_back({r.data["problem"].get<std::string>(), r.data["model"].get<std::string>(),
                      std::to_string(last["T"].get<std::size_t>()), std::to_string(last["state_numbers"].get<std::uint64_t>()),
                      std::to_string(last["mul_adds_last_step"].get<std::uint64_t>()),
                      std::to_string(last["mul_adds_total"].get<std::uint64_t>()), fixed2(r.data["slope_state"].get<double>()),
                      fixed2(r.data["slope_total"].get<double>())});
  }
  t.provenance = provenance(report, "counts (independent of the arithmetic)");
  return t;
}

LatexTable dp_precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "DP with CoT: largest T (powers of two) at which each model still writes the correct chain of thought, per "
              "arithmetic, on one seeded input per T; 'all up to N': no failure up to the cap; in brackets the first wrong "
              "step at the first failing T.";
  t.label = "tab:dp-precision";
  t.header = {"model", "problem"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  t.on_terminal = true;
  std::vector<std::pair<std::string, std::string>> rows;
  std::map<std::tuple<std::string, std::string, std::string>, const CheckResult*> cells;
  std::string semantics;
  for (const CheckResult& r : report.results) {
    if (r.check != "largest T with a correct CoT") continue;
    const std::pair<std::string, std::string> key{r.data["model"].get<std::string>(), r.data["problem"].get<std::string>()};
    if (std::find(rows.begin(), rows.end(), key) == rows.end()) rows.push_back(key);
    cells[{key.first, key.second, r.data.value("precision_name", r.precision)}] = &r;
    semantics = r.semantics;
  }
  for (const auto& [model, problem] : rows) {
    std::vector<std::string> row{model, problem};
    for (const auto& p : precisions) {
      auto it = cells.find({model, problem, p.name});
      if (it == cells.end()) {
        row.push_back("--");
        continue;
      }
      const CheckResult& r = *it->second;
      if (r.verdict == Verdict::not_applicable) {
        row.push_back("n/a");
      } else if (r.data.value("reached_cap", false)) {
        row.push_back("all up to " + std::to_string(r.data["cap"].get<std::size_t>()));
      } else {
        const std::string largest = r.data["largest"].is_null() ? std::string("none") : std::to_string(r.data["largest"].get<std::size_t>());
        row.push_back(largest + " (dp(" + std::to_string(r.data["first_wrong"].get<std::size_t>()) + "))");
      }
    }
    t.rows.push_back(row);
  }
  t.provenance = provenance(report, semantics);
  return t;
}

}  // namespace freelunch::output
