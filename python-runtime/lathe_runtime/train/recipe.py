"""Train a LoRA adapter on a GGUF base model: the recipe, top to bottom.

Run it as::

    python -m lathe_runtime train --config run.json [--resume] [--stop-when-stdin-closes]
    python -m torch.distributed.run --nproc_per_node 2 --redirects 2 --tee 2 \
        -m lathe_runtime train --config run.json            # DDP, see distributed.py

``setup`` reads the settings, the base model's tokenizer, the prepared data and the model
(frozen), adds the LoRA adapter and builds the optimizer; ``train`` runs optimizer steps
(gradient accumulation, clipping, autocast), evaluating and checkpointing every N steps and
obeying stdin's pause/resume/checkpoint/stop; ``finish`` writes the last checkpoint, the
GGUF adapter and the PEFT export; ``cleanup`` releases memory. Events go to stdout
(``events.py``), the log to stderr. With several processes every rank runs this same recipe
on its share of each batch; rank 0 alone prints events and writes files (``distributed.py``). Settings: ``config.py``; data: ``data.py`` and
``batching.py``; checkpoints: ``checkpoint.py``; resume: ``session.py``.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import time
from typing import List, Optional, TextIO

import torch

from ..adapters import export_peft_adapter, write_gguf_adapter
from ..lora import LoRASpec, apply_lora, lora_state_dict, mark_only_lora_trainable
from ..model import load_decoder
from .batching import IGNORE_INDEX, Batch, EpochSampler, StepPlan, evaluation_batches, make_batch, plan_rows
from .checkpoint import ADAPTER_FILE, capture_rng, checkpoint_path, prune_checkpoints, remove_unfinished, restore_rng, save_checkpoint
from .config import RunConfig, load_run_config
from .control import RunControl, ignore_file_size_signal
from .data import open_prepared_dataset
from .device import (autocast, choose_threads, gradient_scaler, non_reentrant_checkpointing, resolve_device,
                     resolve_precision)
from .distributed import Launch, PeerFailed, Team, TokenLoss, rank_share, wrap_for_training
from .errors import TrainingDiverged
from .events import EventWriter, log, memory_in_use, name_rank_in_log
from .samples import generate_greedy, sample_prompts
from .schedule import LearningRateSchedule
from .session import Session, StepResult, as_training_error, read_base_model, restore_from_checkpoint


def run_training(config_path: str, resume: bool, events: EventWriter, stdin: Optional[TextIO],
                 stop_when_stdin_closes: bool = False) -> int:
    """The whole run: setup → train → finish → cleanup. Returns the exit code: 0 after ``done``
    (completed or stopped), 1 after an ``error`` event (on rank 0; other ranks stay quiet)."""
    ignore_file_size_signal()
    control = RunControl(stop_at_end_of_input=stop_when_stdin_closes)
    control.handle_signals()
    launch, team = Launch(), None
    session: Optional[Session] = None
    try:
        launch = Launch.from_environment(os.environ)
        if launch.distributed:
            name_rank_in_log(launch.rank)
            events.muted = not launch.is_main
        control.read_lines(stdin if launch.is_main else None)  # the other ranks share rank 0's stdin
        config = load_run_config(config_path)
        device = launch.device_for(resolve_device(config.device))
        team = Team.start(launch, device)
        session = setup(config, resume, events, team)
        status = train(session, events, control)
        finish(session, status, events)
        return 0
    except Exception as error:  # noqa: BLE001 - every failure becomes one error event
        report_failure(error, session, team, events)
        # Leaving the group could wait forever on a peer that is gone (NCCL): the process
        # ends anyway, and that releases it.
        team = None
        return 1
    finally:
        cleanup(session, team)


def report_failure(error: BaseException, session: Optional[Session], team: Optional[Team], events: EventWriter) -> None:
    """The run's one ``error`` event. A rank other than 0 leaves its error for rank 0 instead;
    rank 0 reports a peer's error in place of the broken connection that followed it."""
    failure = as_training_error(error, session)
    detail = getattr(failure, "detail", None) or "\n".join(failure.problems)
    fields = {"kind": failure.kind, "message": failure.message, "detail": detail, "problems": failure.problems,
              "cause": failure.cause, "step": session.step if session is not None else None}
    if isinstance(error, PeerFailed):
        log.info("ending: %s", error)
    else:
        log.error("%s", failure.message if failure.kind != "internal" else detail)
    if team is not None and not team.is_main:
        if not isinstance(error, PeerFailed):
            team.leave_error(fields)
        return
    # An unexplained failure on rank 0 (a collective whose peer went away) may have its cause
    # on another rank: wait a moment for that rank's report.
    if team is not None and team.size > 1 and failure.kind == "internal" and failure.cause is None:
        peer = team.peer_error(wait_s=3.0)
        if peer is not None:
            rank = peer.pop("rank", "?")
            log.error("rank %s failed first: %s", rank, peer.get("message"))
            fields = {key: peer.get(key) for key in fields}
            fields["message"] = f"{fields['message']} (in training process {rank})"
    events.error(fields["kind"], fields["message"], detail=fields["detail"], problems=fields["problems"],
                 cause=fields["cause"], step=fields["step"])


# --- setup --------------------------------------------------------------------------------


def setup(config: RunConfig, resume: bool, events: EventWriter, team: Team) -> Session:
    """Build everything a run needs, resuming from its latest checkpoint when asked."""
    # Processes on one machine share its cores unless run.json says how many each may use.
    threads = config.threads or max(1, choose_threads(None) // team.launch.local_world_size)
    torch.set_num_threads(threads)
    device = team.device
    precision = resolve_precision(config.precision, device)

    # The tokenizer and shapes first (metadata only), so bad data is reported before the
    # weights of a big model are read.
    base = read_base_model(config.base_model)
    data = open_prepared_dataset(config.data, base.fingerprint, base.config.vocab_size)
    max_length = config.max_length or data.max_length or int(data.train.lengths().max())
    rows = plan_rows(data.train, max_length, config.packing, config.seed)
    # One sampler for the whole team, identical on every rank: it draws the global
    # micro-batch, and each rank takes its share (rank_share), so N processes with micro batch
    # m see the batches one process with micro batch N*m sees.
    sampler = EpochSampler(len(rows), config.micro_batch_size * team.size, config.seed)
    plan = StepPlan.make(config.steps, config.epochs, sampler.batches_per_epoch, config.gradient_accumulation)

    log.info("training %s on %s: %d examples in %d rows, %d steps, %s on %s with %d threads",
             base.name or os.path.basename(config.base_model), config.data, data.train.examples, len(rows),
             plan.total_steps, precision.name, device, threads)
    model, _ = load_decoder(config.base_model, dtype=precision.weights, device=device,
                            quantized=config.base_weights == "quantized")
    model.gradient_checkpointing = config.gradient_checkpointing and non_reentrant_checkpointing()
    if config.gradient_checkpointing and not model.gradient_checkpointing:
        log.warning("gradient checkpointing is off: this torch's checkpoint() has no use_reentrant=False")
    torch.manual_seed(config.seed)  # the adapter's initial A matrices
    spec = LoRASpec(rank=config.lora.rank, alpha=config.lora.alpha, dropout=config.lora.dropout,
                    rslora=config.lora.rslora, targets=config.lora.targets)
    adapters = apply_lora(model, spec)
    mark_only_lora_trainable(model)
    model.train()
    if team.rank > 0:  # the same initial adapter everywhere, but each rank its own dropout masks
        torch.manual_seed((config.seed + team.rank * 0x9E3779B97F4A7C15) % 2**63)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=config.optimizer.lr, betas=config.optimizer.betas,
                                  eps=config.optimizer.eps, weight_decay=config.optimizer.weight_decay)
    session = Session(
        config=config, device=device, precision=precision, threads=threads, base=base, data=data,
        max_length=max_length, rows=rows, sampler=sampler, plan=plan, model=model, spec=spec, adapters=adapters,
        parameters=parameters, optimizer=optimizer, scaler=gradient_scaler(device, precision),
        schedule=LearningRateSchedule(config.schedule.kind, config.optimizer.lr, config.schedule.warmup_steps, plan.total_steps),
        trainer=wrap_for_training(TokenLoss(model), team), team=team,
    )
    os.makedirs(config.output_dir, exist_ok=True)
    if team.is_main:
        remove_unfinished(config.output_dir)
    resumed_from = restore_from_checkpoint(session) if resume else None
    events.emit(
        "start", config=config.to_dict(), device=str(device), dtype=str(precision.weights).replace("torch.", ""),
        precision=precision.name, threads=threads, total_steps=plan.total_steps, resumed_from=resumed_from,
        parameters={"total": sum(p.numel() for p in model.parameters()), "trainable": sum(p.numel() for p in parameters)},
        examples={"train": data.train.examples, "validation": data.validation.examples}, rows=len(rows),
        max_length=max_length, gradient_checkpointing=model.gradient_checkpointing, torch=str(torch.__version__),
        processes=team.size,
    )
    return session


# --- train --------------------------------------------------------------------------------


def train(session: Session, events: EventWriter, control: RunControl) -> str:
    """Run optimizer steps until the plan is done or a stop arrives; return ``completed`` or
    ``stopped``. Requests from ``control`` are honoured between steps only."""
    config, plan = session.config, session.plan
    window: List[StepResult] = []
    while session.step < plan.total_steps:
        if between_steps(session, events, control):
            log.info("stopping at step %d (%s)", session.step, control.stop_reason or "asked by another process")
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
        if config.sample_every and session.step % config.sample_every == 0 and not last:
            emit_samples(session, events)
        if config.checkpoint_every and session.step % config.checkpoint_every == 0 and not last:
            save(session, events)
    return "completed"


def between_steps(session: Session, events: EventWriter, control: RunControl) -> bool:
    """Act on what was asked since the last step: checkpoint, pause (until resumed, writing
    checkpoints asked for meanwhile), stop. Every rank acts on the same agreed decision.
    Returns whether to stop."""
    paused_at: Optional[float] = None
    while True:
        checkpoint, pause, stop = session.team.agree(control.take_checkpoint_request(), control.pause_requested,
                                                     control.stop_requested)
        if checkpoint:
            save(session, events)
        if stop or not pause:
            if paused_at is not None:
                session.paused_s += time.monotonic() - paused_at
                if not stop:
                    events.emit("resumed", step=session.step)
            return stop
        if paused_at is None:
            paused_at = time.monotonic()
            events.emit("paused", step=session.step)
        control.wait_for_news(timeout=1.0)  # other ranks wait in the next agree()


def train_step(session: Session) -> StepResult:
    """One optimizer step over the next micro-batches: the loss is the mean over every target
    token of the step (of every rank), however the tokens fall into micro-batches and ranks."""
    started = time.perf_counter()
    team = session.team
    lr = session.schedule.lr(session.step)
    for group in session.optimizer.param_groups:
        group["lr"] = lr
    batches = [next_batch(session) for _ in range(session.plan.micro_batches(session.sampler.drawn))]
    targets, tokens = (int(count) for count in team.sum([sum(b.targets for b in batches), sum(b.tokens for b in batches)]))
    session.optimizer.zero_grad(set_to_none=True)
    # DDP averages gradients over the ranks; scaling by the rank count makes that average the
    # gradient of (summed loss of all ranks) / (targets of all ranks).
    weight = team.size / max(targets, 1)
    loss_sum = 0.0
    for index, batch in enumerate(batches):
        last = index == len(batches) - 1
        no_sync = getattr(session.trainer, "no_sync", None)  # DDP: all-reduce gradients once per step
        with (no_sync() if no_sync is not None and not last else contextlib.nullcontext()):
            with autocast(session.device, session.precision):
                on_device = batch.to(session.device)
                summed = session.trainer(on_device.input_ids, on_device.labels, on_device.segment_ids)
            session.scaler.scale(summed * weight).backward()
        loss_sum += float(summed.detach())
    loss = team.sum([loss_sum])[0] / max(targets, 1)
    if not math.isfinite(loss):  # every rank sees the same global loss, so all stop together
        raise diverged(session, "loss", loss, lr)
    session.scaler.unscale_(session.optimizer)
    max_norm = session.config.max_grad_norm or float("inf")
    grad_norm = float(torch.nn.utils.clip_grad_norm_(session.parameters, max_norm))
    if not math.isfinite(grad_norm) and session.precision.name != "fp16":  # fp16: the scaler skips the step
        raise diverged(session, "gradient norm", grad_norm, lr)
    session.scaler.step(session.optimizer)
    session.scaler.update()
    session.last_train_loss = loss
    return StepResult(loss, targets, tokens, grad_norm, lr, time.perf_counter() - started)


def diverged(session: Session, what: str, value: float, lr: float) -> TrainingDiverged:
    """The error for a non-finite loss or gradient norm in the step being taken."""
    return TrainingDiverged.at(session.step + 1, what, value, lr, session.last_checkpoint)


def next_batch(session: Session) -> Batch:
    """This rank's share of the sampler's next micro-batch of rows, collated. A rank whose
    share is empty (the short last micro-batch of an epoch) computes a row it does not learn
    from, so that it still takes part in the gradient all-reduce."""
    everyone = session.sampler.next_rows()
    mine = rank_share(everyone, session.team.rank, session.team.size)
    rows = [session.rows[index] for index in (mine or everyone[:1])]
    batch = make_batch(session.data.train, rows, session.max_length, session.base.pad_id, with_segments=session.config.packing)
    if not mine:
        return Batch(batch.input_ids, torch.full_like(batch.labels, IGNORE_INDEX), batch.segment_ids, 0, 0)
    return batch


def token_loss_sum(session: Session, batch: Batch) -> torch.Tensor:
    """Summed cross-entropy over the batch's target positions (see ``TokenLoss``)."""
    return TokenLoss(session.model)(batch.input_ids, batch.labels, batch.segment_ids)


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
    team = session.team
    with torch.no_grad():
        batches = evaluation_batches(session.data.validation, session.config.micro_batch_size, session.max_length, session.base.pad_id)
        for index, batch in enumerate(batches):
            if index % team.size != team.rank:  # each rank evaluates every size-th batch
                continue
            with autocast(session.device, session.precision):
                loss_sum += float(token_loss_sum(session, batch.to(session.device)))
            targets += batch.targets
    session.model.train()
    loss_sum, total = team.sum([loss_sum, targets])
    targets = int(total)
    session.last_val_loss = loss_sum / targets if targets else None
    log.info("step %d  validation loss %.4f", session.step, session.last_val_loss or float("nan"))
    events.emit("eval", step=session.step, val_loss=session.last_val_loss, target_tokens=targets)
    return session.last_val_loss


# --- save ---------------------------------------------------------------------------------


def emit_samples(session: Session, events: EventWriter) -> None:
    """``sample`` events: greedy continuations of up to two validation prompts (training
    prompts when there is no validation split), with the adapter as it is now. Rank 0 only;
    eval mode, no gradients, and the random state put back, so training goes on unchanged."""
    session.team.on_main(lambda: write_samples(session, events))


def write_samples(session: Session, events: EventWriter) -> None:
    split = session.data.validation if session.data.validation.examples else session.data.train
    vocabulary = session.base.vocabulary
    rng = capture_rng()
    session.model.eval()
    try:
        with torch.no_grad():
            for prompt in sample_prompts(split, vocabulary.stop_ids):
                with autocast(session.device, session.precision):
                    output = generate_greedy(session.model, prompt.prompt, session.config.sample_max_tokens,
                                             vocabulary.stop_ids, session.base.config.context_length, session.device)
                events.emit("sample", step=session.step, prompt=vocabulary.decode(prompt.prompt),
                            output=vocabulary.decode(output),
                            reference=vocabulary.decode(prompt.reference) if prompt.reference else None)
    finally:
        session.model.train()
        restore_rng(rng)


def save(session: Session, events: EventWriter) -> str:
    """Write the checkpoint of the current step (and its adapter.gguf); report it. Every rank
    calls it (each one's random state goes in); rank 0 writes."""
    config = session.config
    rngs = session.team.gather(capture_rng())
    state = {
        "total_steps": session.plan.total_steps,
        "adapter": {name: tensor.detach().cpu().clone() for name, tensor in lora_state_dict(session.model).items()},
        "optimizer": session.optimizer.state_dict(),
        "schedule": session.schedule.state_dict(),
        "scaler": session.scaler.state_dict(),
        "sampler": session.sampler.state_dict(),
        "rng": rngs[0],
        "rng_ranks": rngs if session.team.size > 1 else None,
        "world_size": session.team.size,
        "elapsed_s": session.elapsed(),
        "train_loss": session.last_train_loss,
        "val_loss": session.last_val_loss,
        "data": session.data.identity(),
        "config": config.to_dict(),
    }
    summary = {"total_steps": session.plan.total_steps, "train_loss": session.last_train_loss,
               "val_loss": session.last_val_loss, "time": time.time()}

    def write() -> str:
        path = save_checkpoint(config.output_dir, session.step, state, config.to_dict(), lambda file: write_adapter(session, file), summary)
        prune_checkpoints(config.output_dir, config.keep_checkpoints)
        log.info("checkpoint: %s", path)
        events.emit("checkpoint", step=session.step, path=path, adapter=os.path.join(path, ADAPTER_FILE))
        return path

    session.team.on_main(write)
    path = checkpoint_path(config.output_dir, session.step)
    session.last_checkpoint = path
    return path


def write_adapter(session: Session, path: str) -> None:
    """The adapter as a GGUF file llama.cpp loads next to the base model."""
    write_gguf_adapter(path, session.adapters, session.base.config.architecture, session.spec,
                       name=f"{session.base.name} LoRA" if session.base.name else None)


def finish(session: Session, status: str, events: EventWriter) -> None:
    """Checkpoint, and when the run completed, write ``adapter.gguf`` and the PEFT export to
    the output folder; then the ``done`` event."""
    if status == "completed":
        evaluate(session, events)
        if session.config.sample_every:
            emit_samples(session, events)
    checkpoint = save(session, events)
    session.team.on_main(lambda: write_result(session, status, checkpoint, events))


def write_result(session: Session, status: str, checkpoint: str, events: EventWriter) -> None:
    """Rank 0's last words: the adapter files of a completed run, then ``done``."""
    config = session.config
    adapter = {"gguf": None, "peft": None}
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


def cleanup(session: Optional[Session], team: Optional[Team] = None) -> None:
    """Release the model and optimizer (and CUDA's cached blocks), and leave the process group,
    before the process ends."""
    if session is not None:
        session.release()
    if team is not None:
        team.close()
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
