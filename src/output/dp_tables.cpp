#include "output/dp_tables.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "dp/checks.hpp"
#include "output/provenance.hpp"

namespace freelunch::output {
namespace {

std::string fixed2(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

// Every T of the cost points, in order (the set the caption names).
std::vector<std::size_t> cost_lengths_of(const ProofReport& report) {
  std::vector<std::size_t> lengths;
  for (const CheckResult& r : report.results) {
    if (r.check != dp::kCostCheck) continue;
    for (const auto& p : r.data["points"]) lengths.push_back(p["T"].get<std::size_t>());
  }
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  return lengths;
}

}  // namespace

LatexTable dp_cost_table(const ProofReport& report, const std::string& theorem) {
  LatexTable t;
  const std::vector<std::size_t> lengths = cost_lengths_of(report);
  t.caption = theorem + ": cost of generating the chain of thought (numbers held in the state or KV cache, multiply-adds of the "
              "last step and in total) at the largest T, and least-squares log-log slopes over T in " +
              (lengths.empty() ? std::string("{}") : dp::length_set(lengths)) +
              ". 'executed': the evaluator ran the model with values and counted what it executed (the count-only mode agreed); "
              "'by structure': counted by the count-only mode, which adds the sizes of the loops without computing values "
              "(equal to the executed counts on every T where both ran).";
  t.label = "tab:" + theorem + "-cost";
  t.header = {"problem", "model", "T", "counted", "state", "per step", "total", "slope state", "slope total"};
  t.on_terminal = true;
  for (const CheckResult& r : report.results) {
    if (r.check != dp::kCostCheck) continue;
    const auto& last = r.data["points"].back();
    t.rows.push_back({r.data["problem"].get<std::string>(), r.data["model"].get<std::string>(),
                      std::to_string(last["T"].get<std::size_t>()), last.value("counted", std::string("by structure")),
                      std::to_string(last["state_numbers"].get<std::uint64_t>()),
                      std::to_string(last["mul_adds_last_step"].get<std::uint64_t>()),
                      std::to_string(last["mul_adds_total"].get<std::uint64_t>()), fixed2(r.data["slope_state"].get<double>()),
                      fixed2(r.data["slope_total"].get<double>())});
  }
  t.provenance = provenance(report, "counts (independent of the arithmetic)");
  return t;
}

LatexTable dp_precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions, const std::string& label,
                              const std::string& title) {
  LatexTable t;
  t.caption = title + ": largest T in {1, 2, 4, ...} (every power of two tried in order, up to the cap or the first T that is "
              "not right) at which each model still writes the correct chain of thought, per arithmetic, on one seeded input "
              "per T; 'every 2^k <= N': no failure up to the cap N; in brackets the first wrong step at the first failing T; "
              "'or more (undecided)': an interval enclosure straddled there; '(predicted)': THEORY predicts the cell (every "
              "Mamba construction in exact, mamba-local on a mod-p problem at fp16 and wider) and the prediction was checked.";
  t.label = "tab:" + label;
  t.header = {"model", "problem"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  t.on_terminal = true;
  std::vector<std::pair<std::string, std::string>> rows;
  std::map<std::tuple<std::string, std::string, std::string>, const CheckResult*> cells;
  std::string semantics;
  for (const CheckResult& r : report.results) {
    if (r.check != dp::kLargestCheck) continue;
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
      std::string cell;
      if (r.verdict == Verdict::not_applicable) {
        row.push_back("n/a");
        continue;
      }
      if (r.data.value("reached_cap", false)) {
        cell = "every 2^k <= " + std::to_string(r.data["cap"].get<std::size_t>());
      } else {
        const std::string largest = r.data["largest"].is_null() ? std::string("none") : std::to_string(r.data["largest"].get<std::size_t>());
        cell = r.data.value("undecided", false) ? largest + " or more (undecided at T=" +
                                                       std::to_string(r.data["first_failing_T"].get<std::size_t>()) + ")"
                                                 : largest + " (dp(" + std::to_string(r.data["first_wrong"].get<std::size_t>()) + "))";
      }
      if (r.data.contains("predicted_at_least")) cell += r.verdict == Verdict::fails ? " (predicted: FAILS)" : " (predicted)";
      row.push_back(cell);
    }
    t.rows.push_back(row);
  }
  t.provenance = provenance(report, semantics);
  return t;
}

}  // namespace freelunch::output
