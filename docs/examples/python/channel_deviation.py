"""Worked example (docs/python.md): export one channel of a randomly initialized Mamba mixer from
PyTorch, evaluate it in fp32, bf16 and fp16 against freelunch's certified reference, and plot the
deviation against position per format.

    PYTHONPATH=build/release/python /usr/bin/python3 docs/examples/python/channel_deviation.py [OUT.png]

The mixer is a stand-in with mamba_ssm's parameter names and shapes (mamba_ssm itself is not a
Debian package); a trained `mamba_ssm.modules.mamba_simple.Mamba` exports the same way.
"""
import math
import sys
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import freelunch  # noqa: E402
from freelunch.torch import export_channel  # noqa: E402


class Mixer(nn.Module):
    """mamba_ssm's Mamba parameters (names, shapes, initialization of dt_proj.bias, A_log, D)."""

    def __init__(self, d_model=16, d_state=16, d_conv=4, expand=2):
        super().__init__()
        d_inner, dt_rank = expand * d_model, math.ceil(d_model / 16)
        self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=False)
        self.conv1d = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner, padding=d_conv - 1)
        self.x_proj = nn.Linear(d_inner, dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(dt_rank, d_inner)
        dt = torch.exp(torch.rand(d_inner) * (math.log(0.1) - math.log(0.001)) + math.log(0.001))
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(d_inner, 1))
        self.D = nn.Parameter(torch.ones(d_inner))


torch.manual_seed(0)
mixer = Mixer()
x = torch.randn(256, 16)  # one batch element: L = 256 positions of d_model = 16
layer = export_channel(mixer, x, channel=3)
result = freelunch.eval(layer, precision=["fp32", "bf16", "fp16"], ranks=False)

reference = result["results"][0]  # the certified enclosure (exp rules out `exact`)
mid = [(Fraction(lo) + Fraction(hi)) / 2 for lo, hi in reference["outputs"]]
print(f"{result['summary']}; reference {result['reference']}, widest enclosure {float(Fraction(reference['max_width'])):.1e}")
fig, ax = plt.subplots(figsize=(6.4, 3.6))
for row in result["results"][1:]:
    dev = [abs(float(Fraction(y) - m)) for y, m in zip(row["outputs"], mid)]
    print(f"{row['precision']:>5}: max deviation {float(Fraction(row['max_deviation'])):.3e} at step {row['max_deviation_step']}, "
          f"first at step {row['first_deviation_step']}, flags {row['flags']}")
    ax.semilogy(range(1, len(dev) + 1), [max(d, 1e-18) for d in dev], label=row["precision"], linewidth=1)
ax.set_xlabel("position t")
ax.set_ylabel("|y_t - y*_t|")
ax.set_title("Mamba channel 3, d_state = 16: deviation from the certified output", fontsize=10)
ax.legend()
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else "channel-deviation.png"
fig.savefig(out, dpi=120)
print(f"wrote {out}")
