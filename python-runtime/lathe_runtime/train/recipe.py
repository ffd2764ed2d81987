"""Train a LoRA adapter on a GGUF base model: the recipe, top to bottom.

Run it as::

    python -m lathe_runtime train --config run.json [--resume]

``setup`` reads the settings, the base model's tokenizer, the prepared data and the model
(frozen), adds the LoRA adapter and builds the optimizer; ``train`` runs optimizer steps
(gradient accumulation, clipping, autocast), evaluating and checkpointing every N steps and
obeying stdin's pause/resume/checkpoint/stop; ``finish`` writes the last checkpoint, the
GGUF adapter and the PEFT export; ``cleanup`` releases memory. Events go to stdout
(``events.py``), the log to stderr. Settings: ``config.py``; data: ``data.py`` and
``batching.py``; checkpoints: ``checkpoint.py``; resume: ``session.py``.
"""

from __future__ import annotations

import gc
import math
import os
import time
from typing import List, Optional, TextIO

import torch
import torch.nn.functional as F

from ..adapters import export_peft_adapter, write_gguf_adapter
from ..lora import LoRASpec, apply_lora, lora_state_dict, mark_only_lora_trainable
from ..model import load_decoder
from .batching import IGNORE_INDEX, Batch, EpochSampler, StepPlan, evaluation_batches, make_batch, plan_rows
from .checkpoint import ADAPTER_FILE, capture_rng, prune_checkpoints, remove_unfinished, save_checkpoint
from .config import RunConfig, load_run_config
from .control import RunControl
from .data import open_prepared_dataset
from .device import (autocast, choose_threads, gradient_scaler, non_reentrant_checkpointing, resolve_device,
                     resolve_precision)
from .errors import TrainingDiverged
from .events import EventWriter, log, memory_in_use
from .schedule import LearningRateSchedule
from .session import Session, StepResult, as_training_error, read_base_model, restore_from_checkpoint


def run_training(config_path: str, resume: bool, events: EventWriter, stdin: Optional[TextIO]) -> int:
    """The whole run: setup → train → finish → cleanup. Returns the exit code: 0 after ``done``
    (completed or stopped), 1 after an ``error`` event."""
    control = RunControl()
    control.read_lines(stdin)
    control.handle_signals()
    session: Optional[Session] = None
    try:
        session = setup(load_run_config(config_path), resume, events)
        status = train(session, events, control)
        finish(session, status, events)
        return 0
    except Exception as error:  # noqa: BLE001 - every failure becomes one error event
        failure = as_training_error(error, session)
        detail = getattr(failure, "detail", None) or "\n".join(failure.problems)
        log.error("%s", failure.message if failure.kind != "internal" else detail)
        events.error(failure.kind, failure.message, detail=detail, problems=failure.problems, cause=failure.cause,
                     step=session.step if session is not None else None)
        return 1
    finally:
        cleanup(session)


# --- setup --------------------------------------------------------------------------------


def setup(config: RunConfig, resume: bool, events: EventWriter) -> Session:
    """Build everything a run needs, resuming from its latest checkpoint when asked."""
    threads = choose_threads(config.threads)
    torch.set_num_threads(threads)
    device = resolve_device(config.device)
    precision = resolve_precision(config.precision, device)

    # The tokenizer and shapes first (metadata only), so bad data is reported before the
    # weights of a big model are read.
    base = read_base_model(config.base_model)
    data = open_prepared_dataset(config.data, base.fingerprint, base.config.vocab_size)
    max_length = config.max_length or data.max_length or int(data.train.lengths().max())
    rows = plan_rows(data.train, max_length, config.packing, config.seed)
    sampler = EpochSampler(len(rows), config.micro_batch_size, config.seed)
    plan = StepPlan.make(config.steps, config.epochs, sampler.batches_per_epoch, config.gradient_accumulation)

    log.info("training %s on %s: %d examples in %d rows, %d steps, %s on %s with %d threads",
             base.name or os.path.basename(config.base_model), config.data, data.train.examples, len(rows),
             plan.total_steps, precision.name, device, threads)
    model, _ = load_decoder(config.base_model, dtype=precision.weights, device=device)
    model.gradient_checkpointing = config.gradient_checkpointing and non_reentrant_checkpointing()
    if config.gradient_checkpointing and not model.gradient_checkpointing:
        log.warning("gradient checkpointing is off: this torch's checkpoint() has no use_reentrant=False")
    torch.manual_seed(config.seed)  # the adapter's initial A matrices
    spec = LoRASpec(rank=config.lora.rank, alpha=config.lora.alpha, dropout=config.lora.dropout,
                    rslora=config.lora.rslora, targets=config.lora.targets)
    adapters = apply_lora(model, spec)
    mark_only_lora_trainable(model)
    model.train()
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=config.optimizer.lr, betas=config.optimizer.betas,
                                  eps=config.optimizer.eps, weight_decay=config.optimizer.weight_decay)
    session = Session(
        config=config, device=device, precision=precision, threads=threads, base=base, data=data,
        max_length=max_length, rows=rows, sampler=sampler, plan=plan, model=model, spec=spec, adapters=adapters,
        parameters=parameters, optimizer=optimizer, scaler=gradient_scaler(device, precision),
        schedule=LearningRateSchedule(config.schedule.kind, config.optimizer.lr, config.schedule.warmup_steps, plan.total_steps),
    )
    os.makedirs(config.output_dir, exist_ok=True)
    remove_unfinished(config.output_dir)
    resumed_from = restore_from_checkpoint(session) if resume else None
    events.emit(
        "start", config=config.to_dict(), device=str(device), dtype=str(precision.weights).replace("torch.", ""),
        precision=precision.name, threads=threads, total_steps=plan.total_steps, resumed_from=resumed_from,
        parameters={"total": sum(p.numel() for p in model.parameters()), "trainable": sum(p.numel() for p in parameters)},
        examples={"train": data.train.examples, "validation": data.validation.examples}, rows=len(rows),
        max_length=max_length, gradient_checkpointing=model.gradient_checkpointing, torch=str(torch.__version__),
    )
    return session


# --- train --------------------------------------------------------------------------------


def train(session: Session, events: EventWriter, control: RunControl) -> str:
    """Run optimizer steps until the plan is done or a stop arrives; return ``completed`` or
    ``stopped``. Requests from ``control`` are honoured between steps only."""
    config, plan = session.config, session.plan
    window: List[StepResult] = []
    while session.step < plan.total_steps:
        if control.take_checkpoint_request():
            save(session, events)
        if control.pause_requested and not control.stop_requested:
            paused_at = time.monotonic()
            events.emit("paused", step=session.step)
            control.wait_while_paused(on_checkpoint=lambda: save(session, events))
            session.paused_s += time.monotonic() - paused_at
            if not control.stop_requested:
                events.emit("resumed", step=session.step)
        if control.stop_requested:
            log.info("stopping at step %d (%s)", session.step, control.stop_reason)
            if window:  # steps since the last report still belong on the chart
                report_step(session, events, window)
            return "stopped"

        window.append(train_step(session))
        session.step += 1
        last = session.step == plan.total_steps
        if session.step % config.log_every == 0 or last:
            report_step(session, events, window)
            window = []
        if config.eval_every and session.step % config.eval_every == 0 and not last:
            evaluate(session, events)
        if config.checkpoint_every and session.step % config.checkpoint_every == 0 and not last:
            save(session, events)
    return "completed"


def train_step(session: Session) -> StepResult:
    """One optimizer step over the next micro-batches: the loss is the mean over every target
    token of the step, however the tokens fall into micro-batches."""
    started = time.perf_counter()
    lr = session.schedule.lr(session.step)
    for group in session.optimizer.param_groups:
        group["lr"] = lr
    batches = [next_batch(session) for _ in range(session.plan.micro_batches(session.sampler.drawn))]
    targets = sum(batch.targets for batch in batches)
    session.optimizer.zero_grad(set_to_none=True)
    loss_total = 0.0
    for batch in batches:
        with autocast(session.device, session.precision):
            loss = token_loss_sum(session, batch.to(session.device)) / max(targets, 1)
        value = float(loss.detach())
        if not math.isfinite(value):
            raise diverged(session, "loss", value, lr)
        session.scaler.scale(loss).backward()
        loss_total += value
    session.scaler.unscale_(session.optimizer)
    max_norm = session.config.max_grad_norm or float("inf")
    grad_norm = float(torch.nn.utils.clip_grad_norm_(session.parameters, max_norm))
    if not math.isfinite(grad_norm) and session.precision.name != "fp16":  # fp16: the scaler skips the step
        raise diverged(session, "gradient norm", grad_norm, lr)
    session.scaler.step(session.optimizer)
    session.scaler.update()
    session.last_train_loss = loss_total
    tokens = sum(batch.tokens for batch in batches)
    return StepResult(loss_total, targets, tokens, grad_norm, lr, time.perf_counter() - started)


def diverged(session: Session, what: str, value: float, lr: float) -> TrainingDiverged:
    """The error for a non-finite loss or gradient norm in the step being taken."""
    return TrainingDiverged.at(session.step + 1, what, value, lr, session.last_checkpoint)


def next_batch(session: Session) -> Batch:
    """The sampler's next micro-batch of rows, collated."""
    rows = [session.rows[index] for index in session.sampler.next_rows()]
    return make_batch(session.data.train, rows, session.max_length, session.base.pad_id, with_segments=session.config.packing)


def token_loss_sum(session: Session, batch: Batch) -> torch.Tensor:
    """Summed cross-entropy over the batch's target positions. Only those positions go through
    the output projection: a vocabulary of 150k makes full logits the biggest tensor of a step."""
    hidden = session.model.hidden_states(batch.input_ids, batch.segment_ids)
    keep = batch.labels != IGNORE_INDEX
    logits = session.model.head(hidden[keep])
    return F.cross_entropy(logits.float(), batch.labels[keep], reduction="sum")


def report_step(session: Session, events: EventWriter, window: List[StepResult]) -> None:
    """The ``step`` event for the steps since the last one (loss weighted by target tokens)."""
    targets = sum(result.targets for result in window)
    loss = sum(result.loss * result.targets for result in window) / targets if targets else window[-1].loss
    seconds = sum(result.seconds for result in window)
    tokens = sum(result.tokens for result in window)
    log.info("step %d/%d  loss %.4f  lr %.3g  grad norm %.3g  %.0f tokens/s", session.step, session.plan.total_steps,
             loss, window[-1].lr, window[-1].grad_norm, tokens / seconds if seconds > 0 else 0.0)
    events.emit("step", step=session.step, total_steps=session.plan.total_steps, epoch=round(session.sampler.epochs_done, 4),
                loss=loss, lr=window[-1].lr, grad_norm=window[-1].grad_norm, tokens=tokens,
                tokens_per_s=round(tokens / seconds, 1) if seconds > 0 else None,
                memory_bytes=memory_in_use(session.device), elapsed_s=round(session.elapsed(), 3))


def evaluate(session: Session, events: EventWriter) -> Optional[float]:
    """Mean loss per target token over the validation split (None when it is empty)."""
    if session.data.validation.examples == 0:
        return None
    session.model.eval()
    loss_sum, targets = 0.0, 0
    with torch.no_grad():
        for batch in evaluation_batches(session.data.validation, session.config.micro_batch_size, session.max_length, session.base.pad_id):
            with autocast(session.device, session.precision):
                loss_sum += float(token_loss_sum(session, batch.to(session.device)))
            targets += batch.targets
    session.model.train()
    session.last_val_loss = loss_sum / targets if targets else None
    log.info("step %d  validation loss %.4f", session.step, session.last_val_loss or float("nan"))
    events.emit("eval", step=session.step, val_loss=session.last_val_loss, target_tokens=targets)
    return session.last_val_loss


# --- save ---------------------------------------------------------------------------------


def save(session: Session, events: EventWriter) -> str:
    """Write the checkpoint of the current step (and its adapter.gguf); report it."""
    config = session.config
    state = {
        "total_steps": session.plan.total_steps,
        "adapter": {name: tensor.detach().cpu().clone() for name, tensor in lora_state_dict(session.model).items()},
        "optimizer": session.optimizer.state_dict(),
        "schedule": session.schedule.state_dict(),
        "scaler": session.scaler.state_dict(),
        "sampler": session.sampler.state_dict(),
        "rng": capture_rng(),
        "elapsed_s": session.elapsed(),
        "train_loss": session.last_train_loss,
        "val_loss": session.last_val_loss,
        "data": session.data.identity(),
        "config": config.to_dict(),
    }
    summary = {"total_steps": session.plan.total_steps, "train_loss": session.last_train_loss,
               "val_loss": session.last_val_loss, "time": time.time()}
    path = save_checkpoint(config.output_dir, session.step, state, config.to_dict(), lambda file: write_adapter(session, file), summary)
    prune_checkpoints(config.output_dir, config.keep_checkpoints)
    session.last_checkpoint = path
    log.info("checkpoint: %s", path)
    events.emit("checkpoint", step=session.step, path=path, adapter=os.path.join(path, ADAPTER_FILE))
    return path


def write_adapter(session: Session, path: str) -> None:
    """The adapter as a GGUF file llama.cpp loads next to the base model."""
    write_gguf_adapter(path, session.adapters, session.base.config.architecture, session.spec,
                       name=f"{session.base.name} LoRA" if session.base.name else None)


def finish(session: Session, status: str, events: EventWriter) -> None:
    """Checkpoint, and when the run completed, write ``adapter.gguf`` and the PEFT export to
    the output folder; then the ``done`` event."""
    config = session.config
    adapter = {"gguf": None, "peft": None}
    if status == "completed":
        evaluate(session, events)
    checkpoint = save(session, events)
    if status == "completed":
        adapter["gguf"] = os.path.join(config.output_dir, ADAPTER_FILE)
        write_adapter(session, adapter["gguf"])
        adapter["peft"] = export_peft(session)
    else:
        adapter["gguf"] = os.path.join(checkpoint, ADAPTER_FILE)
    log.info("%s at step %d; adapter: %s", status, session.step, adapter["gguf"])
    events.emit("done", status=status, step=session.step, total_steps=session.plan.total_steps, adapter=adapter,
                checkpoint=checkpoint, train_loss=session.last_train_loss, val_loss=session.last_val_loss,
                elapsed_s=round(session.elapsed(), 3))


def export_peft(session: Session) -> Optional[str]:
    """The adapter in PEFT's layout (``adapter-peft/``), or None when this architecture's
    layout is not known yet: the GGUF adapter is the product, PEFT a courtesy."""
    folder = os.path.join(session.config.output_dir, "adapter-peft")
    try:
        export_peft_adapter(folder, session.adapters, session.base.config, session.spec, base_model_name=session.base.name)
    except (ValueError, NotImplementedError) as error:
        log.warning("no PEFT export: %s", error)
        return None
    return folder


# --- cleanup ------------------------------------------------------------------------------


def cleanup(session: Optional[Session]) -> None:
    """Release the model and optimizer (and CUDA's cached blocks) before the process ends."""
    if session is not None:
        session.release()
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
