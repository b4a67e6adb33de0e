#include "output/theorem_statements.hpp"

#include <map>

namespace freelunch::output {

std::string theorem_statement(const std::string& id) {
  static const std::map<std::string, std::string> statements = {
      {"l1",
       R"(Unrolling the selective scan $h_t = a_t \odot h_{t-1} + b_t u_t$, $y_t = c_t \cdot h_t$ with $h_0 = 0$ gives $y = Mu$ with
$M_{ij} = \sum_s c_i[s] \bigl(\prod_{k=j+1}^{i} a_k[s]\bigr) b_j[s]$ for $j \le i$. For every split $r$ the block
$M[r+1..N, 1..r]$ factors through the state, so its rank is at most $n$: $M$ is $n$-semiseparable. With a scalar decay per
step (Mamba-2/SSD) $M_{ij} = \alpha_{ij} (c_i \cdot b_j)$ with $\alpha_{ij} = \prod_{k=j+1}^{i} a_k$.
\emph{Checked:} the recurrence equals the matrix form exactly; every block has exact rank $\le n$, and $= \min(n, r, N-r)$ for
generic parameters; the SSD form equals the per-state form when the decays coincide. In finite arithmetics the deviation
between recurrence and matrix form (two orders of rounding) is reported as a number, not as a verdict.)"},
      {"t1",
       R"(A constant-size Mamba layer has a COPY bottleneck with three separate causes.
\emph{T1a, magnitude (finite range):} with decays $a_k \le a_{\max} < 1$ on the path and key and query entries bounded by
$\beta_{\max}$, exact COPY over distance $L$ needs $n \beta_{\max}^2 \ge a_{\max}^{-L}$, so
$L \le \log(n \beta_{\max}^2)/\log(1/a_{\max})$; in \texttt{exact} there is no such limit, and as $a \to 1$ the limit
moves out.
\emph{T1b, rank (every arithmetic):} with position-only parameters, full COPY of $L$ tokens needs the block
$M[L+1..2L, 1..L]$ within row-$\ell_1$ distance $\varepsilon < 1$ of the identity, hence of rank $L$, while its rank is at
most $n$; by Eckart--Young the mean squared copy error over random $\pm 1$ inputs is at least $(L-n)/L$, and keeping $n$ of
the $L$ positions meets the bound.
\emph{T1c, information (finite precision only):} a state of $n$ entries from a finite set $F$ takes at most $|F|^n$ values,
so exact COPY of all sequences over $V$ needs $L \log|V| \le n \log|F|$; in \texttt{exact} one entry with $a = 1/|V|$,
$b = 1$ holds every token.
\emph{Checked:} per arithmetic the largest distance beside the bound (T1a); exact block ranks and errors against
$(L-n)/L$ (T1b); exhaustive counts of distinct final states beside $n \log|F| / \log|V|$, and digit extraction in
\texttt{exact} (T1c).)"},
      {"t2",
       R"(A constant-size Transformer performs COPY with logarithmic score growth. If the target logit exceeds all $L-1$ others by a
gap $\Delta$, the target weight is at least $1/(1 + (L-1)e^{-\Delta})$, which is $\ge 1 - \varepsilon$ iff
$\Delta \ge \ln((L-1)(1-\varepsilon)/\varepsilon)$: the needed score grows like $\log L$, against $a^{-L}$ for T1a.
\emph{Construction} with dimension 3: keys $k_j = (1, j, j^2)$, queries $q_i = \beta(-\mathrm{pos}(i)^2, 2\,\mathrm{pos}(i), -1)$,
so $g_{ij} = -\beta (j - \mathrm{pos}(i))^2$: integer logits with the target the unique maximum, and the weight outside the
target at most $2e^{-\beta}/(1 - e^{-\beta})$ whatever $L$ is. The logits have size $\beta L^2$, so about $2 \log_2 L + c$
significand bits are needed.
\emph{Checked:} the threshold certified in intervals just above and below $\Delta^*$; decoded COPY of every schedule; the
least precision $P^*(L)$ and its slope against $\log_2 L$.)"},
      {"t3",
       R"(A Mamba layer whose state grows linearly with the length performs COPY exactly: $n = L$ slots with one-hot keys, either
$a = 1$ (idealized, not realizable with $A < 0 < \Delta$) or a rational scalar decay $a < 1$ with the compensation
$a^{-(i - \mathrm{pos}(i))}$ split between key and query ($b_j = a^{-\kappa_j} e_j$,
$c_i = a^{\kappa_{\mathrm{pos}(i)} - (i - \mathrm{pos}(i))} e_{\mathrm{pos}(i)}$), all in the query or balanced.
\emph{Checked:} in \texttt{exact} the copy block equals the copy pattern exactly (hence exact COPY for all inputs, by
linearity); in each format the largest $L$ that still copies, against the T1a bound; the cost, $n = L$ numbers per channel
per step: the size of a Transformer's KV cache, so the saving is gone.)"},
      {"t4",
       R"(Arbitrary DP with chain of thought: $dp(i) = f(dp(i-d), d \in D(i); s_{g(i)})$ with $f$ piecewise linear with integer
breakpoints, computed exactly by a ReLU network. The model writes the stream $[s_1..s_n][dp(1)..dp(n)]$ one token at a time;
COPY heads fetch the dependencies, the ReLU network applies $f$, a ReLU staircase rounds. Problems:
$dp(i) = (dp(i-1) + dp(\lfloor i/2 \rfloor) + s_i) \bmod p$ and the longest increasing subsequence.
\emph{Construction:} one one-hot slot per stream position (state $O(T)$), exact COPY by T3.
\emph{Checked:} the generated CoT equals the DP table token for token; the copy schedule $\mathrm{pos}(i) = \lfloor i/2
\rfloor$ gives blocks of rank about $T/4$, so a position-only layer needs $n = \Omega(T)$ (exact rank certificate); the
counted total cost grows like $T^2$, as for a Transformer.)"},
      {"t5",
       R"(DP with $m$-locality: $dp(i)$ depends on $dp(i-1..i-m)$ and $s_i$, so on the interleaved stream
$s_1, dp(1), s_2, dp(2), \dots$ every dependency lies in the last $w = 2m + 1$ tokens. Problems: Kadane's maximum subarray
($m = 1$), house robber ($m = 2$), $dp(i) = (dp(i-1) + dp(i-2) + dp(i-3) + s_i) \bmod p$ ($m = 3$).
\emph{Construction:} $w$ slots used cyclically, key $b_t = e_{t \bmod w}$, one scalar decay $a$ (a power of two) with
$a^w$ small enough that old entries stay below the rounding margin, query $c_t = a^{-k} e_{(t-k) \bmod w}$ for distance $k$;
the staircase makes the copy exact.
\emph{Checked:} the CoT equals the DP table; the counted cost grows like $T$ with state $O(m)$, against $T^2$ for full
attention; per arithmetic the largest $T$ at which each construction still generates a correct CoT (values bounded
independently of $T$ work at fp16 for any $T$; Kadane's grow with $T$, so its precision must grow like $\log T$).)"},
  };
  const auto it = statements.find(id);
  return it == statements.end() ? std::string() : it->second;
}

}  // namespace freelunch::output
