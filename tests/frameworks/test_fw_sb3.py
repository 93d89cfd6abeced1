"""Chapter 6, `practice-rl-monitoring`: PPO's `approx_kl` and early stop in Stable-Baselines3.

The chapter says that Stable-Baselines3's PPO computes ``approx_kl``, the minibatch mean of
``(r - 1) - log r`` (the k3 estimator of KL(pi_old || pi_theta)), before each gradient step and
stops the remaining updates on the batch, all remaining epochs, once it exceeds 1.5 times
``target_kl`` (the Stable-Baselines3 row of ``framework_facts.PPO_APPROX_KL``). Here the real
PPO trains on CartPole; every minibatch's log-probabilities are recorded as PPO computes them,
and k3 is recomputed from a copy of the policy that collected the batch. The settings make the
stop fall in a later epoch, part-way through it, so that the logged value (the mean over the
last epoch only: PPO resets its list each epoch) differs from the mean over all minibatches.
"""

from __future__ import annotations

import copy
import inspect
import math
import re

import gymnasium as gym
import numpy as np
import pytest
import stable_baselines3.ppo.ppo as sb3_ppo
import torch
from stable_baselines3 import PPO

from klce import framework_facts

TARGET_KL = 0.01
N_STEPS, BATCH_SIZE, N_EPOCHS = 256, 32, 10
PER_EPOCH = N_STEPS // BATCH_SIZE  # minibatches in one epoch
SB3 = next(r for r in framework_facts.PPO_APPROX_KL if r.implementation == "Stable-Baselines3")


@pytest.fixture(scope="module")
def ppo_run() -> dict:
    model = PPO(
        "MlpPolicy",
        gym.make("CartPole-v1"),
        n_steps=N_STEPS,
        batch_size=BATCH_SIZE,
        n_epochs=N_EPOCHS,
        learning_rate=1e-3,
        target_kl=TARGET_KL,
        seed=0,
        device="cpu",
        verbose=0,
    )
    record: dict = {"k3": [], "k1": [], "steps": 0, "old": None}
    evaluate, train, step = (
        model.policy.evaluate_actions,
        model.train,
        model.policy.optimizer.step,
    )

    def train_recording() -> None:
        del model.policy.evaluate_actions  # copy the policy without the recording wrapper
        record["old"] = copy.deepcopy(model.policy)  # the policy that collected the batch
        model.policy.evaluate_actions = evaluate_recording
        train()

    def evaluate_recording(obs, actions):
        values, log_prob, entropy = evaluate(obs, actions)
        with torch.no_grad():
            _, old_log_prob, _ = record["old"].evaluate_actions(obs, actions)
            log_ratio = (log_prob - old_log_prob).double()
            record["k3"].append(float(torch.mean(torch.expm1(log_ratio) - log_ratio)))
            record["k1"].append(float(torch.mean(-log_ratio)))
        return values, log_prob, entropy

    def step_counting(*args, **kwargs):
        record["steps"] += 1
        return step(*args, **kwargs)

    model.train = train_recording
    model.policy.evaluate_actions = evaluate_recording
    model.policy.optimizer.step = step_counting
    model.learn(total_timesteps=N_STEPS)  # one batch, one call of train()
    record["logged_approx_kl"] = model.logger.name_to_value["train/approx_kl"]
    return record


def test_the_books_row_is_k3_with_the_factor():
    assert SB3.estimator == "k3"
    assert SB3.stop_factor == framework_facts.SB3_PPO_KL_STOP_FACTOR == 1.5


def test_the_cited_lines_are_the_installed_source():
    """The row's URL cites lines of ppo.py; the installed version has them, with the factor."""
    first, last = map(int, re.fullmatch(r".*#L(\d+)-L(\d+)", SB3.source).groups())
    lines = inspect.getsource(sb3_ppo).splitlines()[first - 1 : last]
    assert "approx_kl_div = th.mean((th.exp(log_ratio) - 1) - log_ratio)" in lines[0]  # k3
    stop = f"approx_kl_div > {SB3.stop_factor} * self.target_kl"
    assert any(stop in line for line in lines), lines


def _epochs(k3):
    """The k3 values grouped by epoch (PER_EPOCH minibatches each; the last may be short)."""
    return [k3[i : i + PER_EPOCH] for i in range(0, len(k3), PER_EPOCH)]


def test_ppo_stops_the_batch_at_one_and_a_half_times_target_kl(ppo_run):
    k3, steps = ppo_run["k3"], ppo_run["steps"]
    limit = SB3.stop_factor * TARGET_KL
    assert 1 <= steps < N_EPOCHS * PER_EPOCH, "the run must stop early, after some updates"
    # every minibatch evaluated before the stop led to a step; the last one stopped the batch
    assert len(k3) == steps + 1
    assert max(k3[:-1]) <= limit < k3[-1]
    # checked before each minibatch step, not after an epoch: the stop falls part-way
    # through a later epoch, and no minibatch of the remaining epochs is evaluated
    epochs = _epochs(k3)
    assert len(epochs) >= 2 and 2 <= len(epochs[-1]) < PER_EPOCH
    assert len(epochs) < N_EPOCHS


def test_approx_kl_is_the_k3_mean_over_the_last_epoch(ppo_run):
    """The logged value is the mean of the last epoch's per-minibatch k3 (float32 in PPO)."""
    k3, logged = ppo_run["k3"], ppo_run["logged_approx_kl"]
    assert k3[0] == 0.0  # before the first update the policies are equal
    last_epoch = _epochs(k3)[-1]
    assert math.isclose(logged, np.mean(last_epoch), rel_tol=1e-4)
    # PPO resets its list at each epoch: the mean over all minibatches is another value,
    # and so is the last minibatch's alone
    assert not math.isclose(logged, np.mean(k3), rel_tol=1e-2)
    assert not math.isclose(logged, k3[-1], rel_tol=1e-2)
    # k1 = -log r, the other estimator, gives another value on the same minibatches
    k1_last = _epochs(ppo_run["k1"])[-1]
    assert not math.isclose(logged, np.mean(k1_last), rel_tol=1e-2)
