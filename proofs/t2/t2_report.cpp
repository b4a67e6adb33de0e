// T2's report: its statement, table and figure, built from the results' data alone.
#include "t2_report.hpp"

#include <map>
#include <set>

#include "core/deviation.hpp"
#include "core/least_squares.hpp"
#include "output/figure_helpers.hpp"
#include "output/provenance.hpp"

namespace freelunch::proofs::t2 {

using namespace freelunch::output;
using nlohmann::json;

const std::vector<std::string>& schedule_kinds() {
  static const std::vector<std::string> kinds = {"full", "shift", "reverse"};
  return kinds;
}

std::string statement() {
  return R"(A constant-size Transformer performs COPY with logarithmic score growth. If the target logit exceeds all $L-1$ others by a
gap $\Delta$, the target weight is at least $1/(1 + (L-1)e^{-\Delta})$, which is $\ge 1 - \varepsilon$ iff
$\Delta \ge \ln((L-1)(1-\varepsilon)/\varepsilon)$: the needed score grows like $\log L$, against $a^{-L}$ for T1a.
\emph{Construction} with dimension 3: keys $k_j = (1, j, j^2)$, queries $q_i = \beta(-\mathrm{pos}(i)^2, 2\,\mathrm{pos}(i), -1)$,
so $g_{ij} = -\beta (j - \mathrm{pos}(i))^2$: integer logits with the target the unique maximum, and the weight outside the
target at most $2e^{-\beta}/(1 - e^{-\beta})$ whatever $L$ is. The logits have size $\beta L^2$, so about $2 \log_2 L + c$
significand bits are needed.
\emph{Checked:} the threshold certified in intervals just above and below $\Delta^*$; decoded COPY of every schedule; the
least precision $P^*(L)$ and its slope against $\log_2 L$.)";
}


output::LatexTable precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions,
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
    if (r.check == kSlope) {
      slopes[r.data["schedule"].get<std::string>()] = r.detail.substr(0, r.detail.find(' '));
      continue;
    }
    if (!r.data.contains("L") || !r.data.contains("schedule")) continue;
    const std::size_t length = r.data["L"].get<std::size_t>();
    const std::string kind = r.data["schedule"].get<std::string>();
    if (r.check == kLeast) {
      lengths.insert(length);
      note_rows(length, kind, r.data);
      p_star[{length, kind}] = !r.data["P*"].is_null() ? std::to_string(r.data["P*"].get<long>())
                               : r.data.contains("claimed") && !r.data["claimed"].is_null() ? "refuted" : "> 64";
      semantics = r.semantics;
    } else if (r.check == kDecoded && r.data.contains("copies")) {
      lengths.insert(length);
      note_rows(length, kind, r.data);
      ++seen[{length, r.precision}];
      if (r.data["copies"].get<bool>()) ok[{length, r.precision}].push_back(kind);
      else if (r.verdict == Verdict::undecided) undecided[{length, r.precision}].push_back(kind);
      semantics = r.semantics;
    }
  }
  for (const CheckResult& r : report.results) {
    if (r.check != kLargest || !r.data.contains("per_L")) continue;
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

namespace {

PgfFigure t2_precision_figure(const ProofReport& t2) {
  const auto results = results_of(t2, kLeast);
  const auto schedules = distinct(results, [](const CheckResult& r) { return r.data["schedule"].get<std::string>(); });
  PgfFigure f = figure_over("t2-precision", t2, results, distinct(results, [](const CheckResult& r) { return r.precision; }), {"log2_L", "L"});
  std::vector<std::string> taken = f.data.columns, ids;
  for (const std::string& s : schedules) ids.push_back(column_id(s, taken));
  f.data.columns.insert(f.data.columns.end(), ids.begin(), ids.end());
  std::map<std::string, std::vector<std::pair<double, double>>> points;
  for (const CheckResult* r : results) {
    if (!r->data.contains("P*") || !r->data["P*"].is_number()) continue;  // no P* in the searched range: nothing to draw
    const double length = r->data["L"].get<double>(), x = std::log2(length), p = r->data["P*"].get<double>();
    const std::string s = r->data["schedule"].get<std::string>();
    points[s].push_back({x, p});
    std::vector<std::string> row{csv_number(x), csv_number(length)};
    for (const std::string& other : schedules) row.push_back(other == s ? csv_number(p) : kNan);
    f.data.rows.push_back(row);
  }
  PgfPanel panel;
  panel.axis_options = {"width=0.72\\linewidth", "height=7cm", "xlabel={$\\log_2 L$}", "ylabel={least significand bits $P^*$ that copy}",
                        "legend pos=outer north east", "legend style={font=\\footnotesize}", "legend cell align=left", "grid=major"};
  for (std::size_t i = 0; i < schedules.size(); ++i) {
    if (!has_values(f.data, ids[i])) continue;  // no P* in the searched range for any L
    panel.plots.push_back({"log2_L", ids[i], "", "only marks, mark=" + mark_shapes()[i % mark_shapes().size()] + ", mark size=2.2pt, color=" + color(i),
                           latex_escape(schedules[i])});
    const auto& pts = points[schedules[i]];
    if (pts.size() < 2) continue;
    // The least-squares line y = a + b x, the same fit as the check's slope.
    std::vector<std::pair<Rational, Rational>> exact_points;
    for (const auto& [x, y] : pts) exact_points.emplace_back(Rational(x), Rational(y));
    const auto fit = least_squares_line(exact_points);
    if (!fit) continue;
    const double b = fit->slope.convert_to<double>(), a = fit->intercept.convert_to<double>();
    const auto [lo, hi] = std::minmax_element(pts.begin(), pts.end());
    panel.plots.push_back({"", "", fixed(b, 4) + "*x + " + fixed(a, 4),
                           "domain=" + csv_number(lo->first) + ":" + csv_number(hi->first) + ", samples=2, dashed, color=" + color(i),
                           "fit: $P^* = " + fixed(b, 2) + "\\log_2 L " + (a < 0 ? "- " : "+ ") + fixed(std::fabs(a), 2) + "$"});
  }
  f.panels.push_back(panel);
  f.caption = "T2: the least MPFR precision $P^*(L)$ (significand bits) at which the dimension-3 softmax construction still copies "
              "every checked row, against $\\log_2 L$, per copy schedule, with the least-squares line of each. The logits have size "
              "$\\beta L^2$, so THEORY predicts a slope of about 2: the score grows like $\\log L$, against $a^{-L}$ for T1a.";
  return f;
}

}  // namespace

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  return {{"t2-precision.tex", precision_table(report, precisions, schedule_kinds())}};
}

std::vector<PgfFigure> figures(const ProofReport& report) { return drawable({t2_precision_figure(report)}); }

}  // namespace freelunch::proofs::t2
