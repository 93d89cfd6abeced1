"""Chapter 6, `practice-rl-monitoring`: PPO's `approx_kl` and early stop in Stable-Baselines3.

The chapter says that Stable-Baselines3's PPO computes ``approx_kl``, the batch mean of
``(r - 1) - log r`` (the k3 estimator of KL(pi_old || pi_theta)), before each gradient step and
stops the remaining updates on the batch once it exceeds 1.5 times ``target_kl``. Here the real
PPO trains on CartPole; every minibatch's log-probabilities are recorded as PPO computes them,
and k3 is recomputed from a copy of the policy that collected the batch.
"""

from __future__ import annotations

import copy
import math

import gymnasium as gym
import numpy as np
import pytest
import torch
from stable_baselines3 import PPO

from klce import framework_facts as facts

TARGET_KL = 0.002


@pytest.fixture(scope="module")
def ppo_run() -> dict:
    model = PPO(
        "MlpPolicy",
        gym.make("CartPole-v1"),
        n_steps=256,
        batch_size=32,
        n_epochs=10,
        learning_rate=3e-3,
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
    model.learn(total_timesteps=256)  # one batch, one call of train()
    record["logged_approx_kl"] = model.logger.name_to_value["train/approx_kl"]
    return record


def test_the_factor_is_the_books():
    assert facts.SB3_PPO_KL_STOP_FACTOR == 1.5


def test_ppo_stops_the_batch_at_one_and_a_half_times_target_kl(ppo_run):
    k3, steps = ppo_run["k3"], ppo_run["steps"]
    limit = facts.SB3_PPO_KL_STOP_FACTOR * TARGET_KL
    full = 10 * 256 // 32  # n_epochs * minibatches per epoch
    assert 1 <= steps < full, "the run must stop early, after at least one update"
    # every minibatch evaluated before the stop led to a step; the last one stopped the batch
    assert len(k3) == steps + 1
    assert max(k3[:-1]) <= limit < k3[-1]


def test_approx_kl_is_the_k3_estimator(ppo_run):
    """The logged value is the mean of the per-minibatch k3 (float32 in PPO)."""
    k3 = ppo_run["k3"]
    assert k3[0] == 0.0  # before the first update the policies are equal
    assert math.isclose(ppo_run["logged_approx_kl"], np.mean(k3), rel_tol=1e-4)
    # k1 = -log r, the other estimator, gives another value on the same minibatches
    assert not math.isclose(ppo_run["logged_approx_kl"], np.mean(ppo_run["k1"]), rel_tol=1e-2)
