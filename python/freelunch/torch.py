"""One channel of a trained Mamba mixer as a freelunch layer.

``export_channel(mixer, x, channel)`` takes a Mamba (v1) mixer with mamba_ssm's parameter names
and shapes and one input (a batch element), runs everything before the selective scan in float64,
and returns the layer dict (docs/layer-json.md, kind ``mamba``) of one channel's scan:

    in_proj   Linear(d_model, 2 d_inner)              x, z = split(in_proj(hidden))
    conv1d    Conv1d(d_inner, d_inner, d_conv,        x = silu(conv1d(x)[..., :L])  (causal)
              groups=d_inner, padding=d_conv - 1)
    x_proj    Linear(d_inner, dt_rank + 2 d_state)    dt, B, C = split(x_proj(x))
    dt_proj   Linear(dt_rank, d_inner)                Δ = softplus(dt_proj.weight dt + dt_proj.bias)
    A_log     (d_inner, d_state)                      A = -exp(A_log)
    D         (d_inner,)

and the channel's scan h_t = exp(Δ_t A) ⊙ h_(t-1) + Δ_t B_t u_t, y_t = (C_t · h_t + D u_t) silu(z_t)
(Euler for B, as mamba_ssm's reference scan). The numbers are the float64 values, which the layer
reader takes exactly; evaluating the dict in ``mpfr53`` or ``fp32`` then answers how far a float
computation of that channel is from the certified result.
"""
from __future__ import annotations

from typing import Any

__all__ = ["export_channel"]


def _f64(t: Any) -> Any:
    return t.detach().to(dtype=__import__("torch").float64, device="cpu")


def export_channel(mixer: Any, x: Any, channel: int) -> dict:
    """The layer dict of channel ``channel`` of ``mixer`` on input ``x`` (shape (L, d_model), or
    (1, L, d_model)). Raises ValueError for a channel out of range or shapes that disagree."""
    import torch
    import torch.nn.functional as F

    with torch.no_grad():
        hidden = _f64(x)
        if hidden.dim() == 3:
            if hidden.shape[0] != 1:
                raise ValueError(f"export_channel: give one batch element, got a batch of {hidden.shape[0]}")
            hidden = hidden[0]
        if hidden.dim() != 2:
            raise ValueError(f"export_channel: x must be (L, d_model), got shape {tuple(hidden.shape)}")
        for name in ("in_proj", "conv1d", "x_proj", "dt_proj", "A_log", "D"):
            if not hasattr(mixer, name):
                raise ValueError(f"export_channel: the mixer has no '{name}' (mamba_ssm's Mamba parameter names expected)")
        L, d_model = hidden.shape
        w_in = _f64(mixer.in_proj.weight)
        if w_in.shape[1] != d_model:
            raise ValueError(f"export_channel: in_proj expects d_model = {w_in.shape[1]}, x has {d_model}")
        d_inner = w_in.shape[0] // 2
        if not 0 <= channel < d_inner:
            raise ValueError(f"export_channel: channel {channel} is outside 0..{d_inner - 1}")
        xz = hidden @ w_in.T
        if mixer.in_proj.bias is not None:
            xz = xz + _f64(mixer.in_proj.bias)
        xs, z = xz[:, :d_inner], xz[:, d_inner:]
        conv = mixer.conv1d
        k = conv.weight.shape[-1]
        xc = F.conv1d(xs.T.unsqueeze(0), _f64(conv.weight), None if conv.bias is None else _f64(conv.bias),
                      padding=k - 1, groups=d_inner)[0, :, :L].T
        u = F.silu(xc)
        A_log = _f64(mixer.A_log)
        d_state = A_log.shape[1]
        x_dbl = u @ _f64(mixer.x_proj.weight).T
        dt_rank = x_dbl.shape[1] - 2 * d_state
        if dt_rank <= 0:
            raise ValueError(f"export_channel: x_proj gives {x_dbl.shape[1]} columns, fewer than 2 d_state = {2 * d_state} plus dt_rank")
        dt, B, C = x_dbl[:, :dt_rank], x_dbl[:, dt_rank:dt_rank + d_state], x_dbl[:, dt_rank + d_state:]
        pre = dt @ _f64(mixer.dt_proj.weight).T
        if mixer.dt_proj.bias is not None:
            pre = pre + _f64(mixer.dt_proj.bias)
        delta = F.softplus(pre[:, channel])
        A = -torch.exp(A_log[channel])
        D = _f64(mixer.D)[channel]

    def floats(t: Any) -> Any:
        return t.tolist()

    return {
        "description": f"Mamba channel {channel} of {d_inner} (d_state = {d_state}, L = {L}), exported from PyTorch in float64",
        "mamba": {
            "delta": floats(delta),
            "A": floats(A),
            "B": floats(B),
            "C": floats(C),
            "D": float(D),
            "discretization": "euler",
            "z": floats(z[:, channel]),
        },
        "input": floats(u[:, channel]),
    }
