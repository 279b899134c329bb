"""Parameters of the SMP: KTAB's nine model options by readable names, plus the stopping rule."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from accord.models.base import Params

VPModel = Literal["linear", "square", "quartic", "octic", "binary"]
PCEModel = Literal["conditional", "markov_incentive", "markov_uniform"]
StateTransition = Literal["deterministic", "stochastic"]
VotingRule = Literal["binary", "prop_bin", "prop", "prop_cbc", "cubic", "asym_prosp"]
BigRAdjust = Literal["none", "one_third", "half", "two_thirds", "full"]
BigRRange = Literal["min", "mid", "max"]
ThirdPartyCommit = Literal["no", "semi", "full"]
InterVecBargain = Literal["s1p1", "s2p2", "s2pmax"]
BargainModel = Literal["init_only_interp", "init_rcvr_interp", "pw_comp_interp"]

KTAB_CODES: dict[str, tuple[str, ...]] = {
    "vp_model": ("linear", "square", "quartic", "octic", "binary"),
    "pce_model": ("conditional", "markov_incentive", "markov_uniform"),
    "state_transition": ("deterministic", "stochastic"),
    "voting_rule": ("binary", "prop_bin", "prop", "prop_cbc", "cubic", "asym_prosp"),
    "big_r_adjust": ("none", "one_third", "half", "two_thirds", "full"),
    "big_r_range": ("min", "mid", "max"),
    "third_party_commit": ("no", "semi", "full"),
    "inter_vec_bargain": ("s1p1", "s2p2", "s2pmax"),
    "bargain_model": ("init_only_interp", "init_rcvr_interp", "pw_comp_interp"),
}
"""KTAB's integer codes, in the order of its ``modelParams`` vector (index = code)."""


class SMPParams(Params):
    """The SMP's options; defaults are KTAB's (``smpc --csv``).

    Attributes
    ----------
    vp_model : how coalition strengths become victory probabilities (``VPModel``).
    pce_model : how pairwise victory probabilities become outcome probabilities (``PCEModel``).
    state_transition : ``deterministic`` takes each actor's most probable bargain, ``stochastic``
        samples one (``StateTransMode``).
    voting_rule : how a utility difference becomes a vote (``VotingRule``).
    big_r_adjust : how far an actor's estimate of another's risk attitude leans towards the
        truth (``BigRAdjust``); ``full`` is rejected, as KTAB throws on it.
    big_r_range : the interval the risk attitudes are mapped to (``BigRRange``).
    third_party_commit : how committed third parties are to the side they join.
    inter_vec_bargain : how two positions are interpolated into a bargain (``InterVecBrgn``).
    bargain_model : which bargains a challenge produces (``SMPBargnModel``).
    max_turns, min_turns, min_delta_ratio : stop after ``max_turns`` steps, or once at least
        ``min_turns`` steps were taken and a step moved the actors less than
        ``min_delta_ratio`` times the first step.

    """

    vp_model: VPModel = "linear"
    pce_model: PCEModel = "conditional"
    state_transition: StateTransition = "deterministic"
    voting_rule: VotingRule = "prop"
    big_r_adjust: BigRAdjust = "one_third"
    big_r_range: BigRRange = "mid"
    third_party_commit: ThirdPartyCommit = "semi"
    inter_vec_bargain: InterVecBargain = "s2p2"
    bargain_model: BargainModel = "init_only_interp"
    max_turns: int = Field(default=100, ge=1, le=10_000)
    min_turns: int = Field(default=2, ge=1)
    min_delta_ratio: float = Field(default=0.02, ge=0.0)

    @model_validator(mode="after")
    def _check(self) -> SMPParams:
        if self.big_r_adjust == "full":
            raise ValueError(
                "big_r_adjust='full' is not supported: with it every actor's estimate of the "
                "others' utilities equals the truth, and KTAB refuses to run in that case "
                "(it throws); use 'two_thirds' for the closest working setting"
            )
        return self

    @property
    def ktab_vector(self) -> list[int]:
        """Return KTAB's integer parameter vector (``[0,0,0,2,1,1,1,1,0]`` by default)."""
        return [KTAB_CODES[name].index(getattr(self, name)) for name in KTAB_CODES]
