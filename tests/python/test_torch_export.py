"""freelunch.torch.export_channel against PyTorch: a Mamba mixer with mamba_ssm's parameter names
and shapes, random weights, and a reference forward written from mamba_ssm's reference scan
(selective_scan_ref: Euler B, softplus on Δ with the dt_proj bias, y = C·h + D u, times silu(z)).
The exported channel evaluated by freelunch must reproduce that reference: in mpfr53 the float64
forward, in fp32 the float32 forward, within the bounds documented in docs/python.md."""
import math

import pytest

torch = pytest.importorskip("torch")
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import freelunch  # noqa: E402
from freelunch.torch import export_channel  # noqa: E402

# docs/python.md, "The PyTorch export": the documented agreement, relative to max |y| of the channel
BOUND_MPFR53_VS_FLOAT64 = 1e-14
BOUND_FP32_VS_FLOAT32 = 1e-5


class Mixer(nn.Module):
    """The parameters of mamba_ssm's Mamba block (names and shapes), nothing else."""

    def __init__(self, d_model=8, d_state=8, d_conv=4, expand=2, dt_rank=2):
        super().__init__()
        d_inner = expand * d_model
        self.d_inner, self.d_state, self.dt_rank = d_inner, d_state, dt_rank
        self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=False)
        self.conv1d = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner, padding=d_conv - 1, bias=True)
        self.x_proj = nn.Linear(d_inner, dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(dt_rank, d_inner, bias=True)
        dt = torch.exp(torch.rand(d_inner) * (math.log(0.1) - math.log(0.001)) + math.log(0.001))
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))  # softplus^-1(dt)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(d_inner, 1))
        self.D = nn.Parameter(torch.ones(d_inner))

    def reference(self, hidden):
        """(L, d_model) -> (L, d_inner), in the dtype of the module and the input."""
        L = hidden.shape[0]
        xz = self.in_proj(hidden)
        x, z = xz[:, : self.d_inner], xz[:, self.d_inner:]
        x = F.silu(self.conv1d(x.T.unsqueeze(0))[0, :, :L].T)
        dt, B, C = torch.split(self.x_proj(x), [self.dt_rank, self.d_state, self.d_state], dim=-1)
        delta = F.softplus(dt @ self.dt_proj.weight.T + self.dt_proj.bias)
        A = -torch.exp(self.A_log)
        h = torch.zeros(self.d_inner, self.d_state, dtype=hidden.dtype)
        ys = []
        for t in range(L):
            h = torch.exp(delta[t, :, None] * A) * h + (delta[t, :, None] * B[t][None, :]) * x[t, :, None]
            ys.append((h * C[t][None, :]).sum(-1))
        y = torch.stack(ys) + x * self.D
        return y * F.silu(z)


@pytest.fixture(scope="module")
def setup():
    torch.manual_seed(0)
    mixer = Mixer()
    x = torch.randn(32, 8)
    return mixer, x


def outputs(result, precision):
    row = next(r for r in result["results"] if r["precision"] == precision)
    return [float(freelunch.to_fraction(v)) for v in row["outputs"]]


@pytest.mark.parametrize("channel", [0, 5, 15])
def test_export_reproduces_pytorch_in_float64_and_float32(setup, channel):
    mixer, x = setup
    layer = export_channel(mixer, x, channel)
    assert set(layer["mamba"]) == {"delta", "A", "B", "C", "D", "discretization", "z"}
    assert len(layer["input"]) == 32 and len(layer["mamba"]["A"]) == 8
    result = freelunch.eval(layer, precision=["mpfr53", "fp32"], ranks=False)
    with torch.no_grad():
        y64 = mixer.double().reference(x.double())[:, channel].tolist()
        y32 = mixer.float().reference(x.float())[:, channel].tolist()
    scale = max(1.0, max(abs(v) for v in y64))
    dev64 = max(abs(a - b) for a, b in zip(outputs(result, "mpfr53"), y64))
    dev32 = max(abs(a - b) for a, b in zip(outputs(result, "fp32"), y32))
    assert dev64 <= BOUND_MPFR53_VS_FLOAT64 * scale, dev64
    assert dev32 <= BOUND_FP32_VS_FLOAT32 * scale, dev32
    # and the bounds are not vacuous: fp32 is measurably away from the float64 forward
    assert max(abs(a - b) for a, b in zip(outputs(result, "fp32"), y64)) > BOUND_MPFR53_VS_FLOAT64 * scale


def test_export_refuses_bad_arguments(setup):
    mixer, x = setup
    with pytest.raises(ValueError, match="channel 16 is outside 0..15"):
        export_channel(mixer, x, 16)
    with pytest.raises(ValueError, match="one batch element"):
        export_channel(mixer, torch.randn(2, 32, 8), 0)
    with pytest.raises(ValueError, match="d_model"):
        export_channel(mixer, torch.randn(32, 5), 0)
    with pytest.raises(ValueError, match="no 'in_proj'"):
        export_channel(nn.Linear(2, 2), x, 0)
