using System.Diagnostics;
using SharpGrad.Data;
using SharpGrad.Metrics;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>
/// The Keras-style training loop: a model with its optimizer, loss and metrics (what <c>model.compile</c> fixes), and
/// <see cref="Fit"/>, <see cref="Evaluate"/> and <see cref="Predict"/>. A plain PyTorch-style loop over a
/// <see cref="DataLoader"/> remains just as easy; this class only saves the boilerplate.
/// </summary>
public sealed class Trainer
{
    /// <summary>Creates the trainer (the equivalent of Keras' <c>model.compile(optimizer, loss, metrics)</c>).</summary>
    public Trainer(Module model, Optimizer optimizer, Loss loss, params IMetric[] metrics)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        Metrics = metrics;
        var names = new HashSet<string> { "loss" };
        foreach (var m in metrics)
            if (!names.Add(m.Name)) throw new ArgumentException($"Two metrics are named \"{m.Name}\"; metric names must be unique.", nameof(metrics));
    }

    /// <summary>The model.</summary>
    public Module Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The loss.</summary>
    public Loss Loss { get; }

    /// <summary>Metrics computed on training batches and on validation data.</summary>
    public IReadOnlyList<IMetric> Metrics { get; }

    /// <summary>Epochs completed by this trainer, over all calls to <see cref="Fit"/>.</summary>
    public int EpochsCompleted { get; private set; }

    /// <summary>Optimisation steps taken by this trainer, over all calls to <see cref="Fit"/>.</summary>
    public long GlobalStep { get; private set; }

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs. Validation uses <paramref name="validationData"/>, or else the last
    /// <paramref name="validationSplit"/> fraction of <paramref name="train"/> (taken before shuffling, as Keras does).
    /// <paramref name="seed"/> fixes the batch order (seed initialisation and dropout through their own generators for a fully
    /// reproducible run); <paramref name="dropLast"/> drops a last, smaller batch (useful with BatchNorm);
    /// <paramref name="transform"/> (e.g. data augmentation) is applied to training batches only, never to validation data.
    /// Stops early when a callback sets <see cref="TrainingContext.StopTraining"/>. <paramref name="initialEpoch"/> (as in Keras)
    /// skips the epochs a resumed run has done: epochs initialEpoch + 1 … <paramref name="epochs"/> run, numbered so.
    /// Each step runs inside a <see cref="TensorScope"/> (its tensors reuse the previous step's memory; per-batch callbacks run
    /// outside it) and zeroes gradients in place (<c>ZeroGrad(setToNone: false)</c>), so a parameter that takes no part in a
    /// step still gets an update from a zero gradient, as with PyTorch's <c>zero_grad(set_to_none=False)</c>.
    /// </summary>
    public History Fit(IDataset train, int epochs = 1, int batchSize = 32, IDataset? validationData = null, double validationSplit = 0,
        IEnumerable<Callback>? callbacks = null, bool shuffle = true, ulong seed = 0, ITrainingReporter? reporter = null, bool dropLast = false,
        Func<Batch, Batch>? transform = null, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Fit: epochs must be non-negative.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Fit: batchSize must be positive.");
        if (validationSplit < 0 || validationSplit >= 1) throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "Fit: validationSplit must be in [0, 1).");
        if (initialEpoch < 0 || initialEpoch > epochs) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, $"Fit: initialEpoch must be in [0, epochs = {epochs}].");
        if (validationData is null && validationSplit > 0)
        {
            int valCount = train.Count - (int)Math.Floor(train.Count * (1 - validationSplit)); // Keras: the first ⌊N(1 − split)⌋ rows train
            if (valCount == 0 || valCount == train.Count)
                throw new ArgumentException($"Fit: validationSplit {validationSplit} of {train.Count} samples leaves an empty training or validation set.");
            int trainCount = train.Count - valCount;
            validationData = new Subset(train, Enumerable.Range(trainCount, valCount).ToArray());
            train = new Subset(train, Enumerable.Range(0, trainCount).ToArray());
        }

        // Epoch e of this trainer's life always gets the same order for a seed, so calling Fit repeatedly continues the
        // shuffle sequence rather than repeating its first epoch.
        var loader = new DataLoader(train, batchSize, shuffle, dropLast, seed, transform) { Epoch = EpochsCompleted };
        var cbs = callbacks?.ToList() ?? [];
        _callbacks = cbs;
        var context = new TrainingContext(Model, Optimizer, epochs, loader.BatchesPerEpoch) { Step = GlobalStep };
        var history = new History();
        foreach (var cb in cbs) cb.OnTrainBegin(context);
        RestoreCallbackStates(cbs);
        for (int epoch = initialEpoch + 1; epoch <= epochs && !context.StopTraining; epoch++)
        {
            context.Epoch = epoch;
            Model.Train();
            foreach (var m in Metrics) m.Reset();
            foreach (var cb in cbs) cb.OnEpochBegin(context);
            reporter?.OnEpochBegin(epoch, epochs, loader.BatchesPerEpoch);
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long samples = 0;
            int batchIndex = 0;
            var batchLogs = new Dictionary<string, double>();
            using var batches = loader.GetEnumerator();
            while (true)
            {
                // Each step's tensors (the batch, activations, gradients of intermediates) come from a pool that the previous
                // step returned its memory to: steady-state steps allocate no new tensor memory.
                using var stepScope = TensorScope.Begin();
                if (!batches.MoveNext()) break;
                Batch batch = batches.Current;
                batchIndex++;
                context.Step = ++GlobalStep;
                if (cbs.Count > 0)
                {
                    using var persistent = TensorScope.Suspend(); // what a callback keeps must stay valid after the step
                    foreach (var cb in cbs) cb.OnBatchBegin(context);
                }
                Tensor output, loss;
                if (CaptureSteps && (_capturedSteps.Count < MaxCapturedShapes || _capturedSteps.Exists(c => c.Fits(batch))))
                {
                    CapturedBatchStep captured = CapturedStepFor(batch);
                    Tensor[] outputs = captured.Run(batch);
                    (loss, output) = (outputs[0], outputs[1]);
                    CaptureFallbackReason ??= captured.Step.FallbackReason;
                    if (_snapshot is not null && AllCapturesSettled()) _snapshot.Release(); // the check's copies are no longer needed
                }
                else (loss, output) = TrainStep(batch.Inputs, batch.Targets);
                double lossValue = loss.Item();

                int n = batch.Inputs.Shape.Length > 0 ? batch.Inputs.Shape[0] : 1;
                lossSum += lossValue * n;
                samples += n;
                using (Autograd.NoGrad())
                    for (int i = 0; i < Metrics.Count; i++) Metrics[i].Update(output, batch.Targets);

                batchLogs["loss"] = lossValue;
                if (cbs.Count > 0)
                {
                    using var persistent = TensorScope.Suspend();
                    foreach (var cb in cbs) cb.OnBatchEnd(context, batchLogs);
                }
                if (reporter is not null)
                {
                    var running = new Dictionary<string, double> { ["loss"] = lossSum / samples };
                    foreach (var m in Metrics) running[m.Name] = m.Compute();
                    reporter.OnBatchEnd(epoch, batchIndex, loader.BatchesPerEpoch, running, samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
                }
                if (context.StopTraining) break;
            }
            double seconds = clock.Elapsed.TotalSeconds;

            var logs = new Dictionary<string, double> { ["loss"] = samples > 0 ? lossSum / samples : double.NaN };
            foreach (var m in Metrics) logs[m.Name] = m.Compute();
            if (validationData is not null && !context.StopTraining)
                foreach (var (k, v) in Evaluate(validationData, batchSize)) logs["val_" + k] = v;
            logs["lr"] = Optimizer.LearningRate;
            logs["epoch_seconds"] = seconds;
            history.Add(epoch, logs);
            FullHistory.Add(epoch, logs);
            EpochsCompleted++;
            foreach (var cb in cbs) cb.OnEpochEnd(context, logs);
            // after the callbacks, so the checkpoint holds what they decided (a reduced learning rate, a new best)
            if (CheckpointPath is not null) SaveCheckpoint(CheckpointPath);
            reporter?.OnEpochEnd(epoch, epochs, logs, seconds);
        }
        foreach (var cb in cbs) cb.OnTrainEnd(context);
        StopReason = context.StopReason;
        return history;
    }

    /// <summary>
    /// Whether <see cref="Fit"/> captures its training step and replays it (<see cref="GraphedStep"/>; default true): per batch
    /// shape, after a warm-up step (the first shape only), a captured step and a one-time check that a replay repeats an eager
    /// step bit for bit, each step replays the recorded kernels on the same memory, with no graph building and no managed
    /// allocation. Results are identical to eager training; a step that cannot be captured (dropout, for example) runs
    /// eagerly, see <see cref="CaptureFallbackReason"/>.
    /// </summary>
    public bool CaptureSteps { get; set; } = true;

    /// <summary>Why a training step ran eagerly instead of being replayed (null when every capture worked).</summary>
    public string? CaptureFallbackReason { get; private set; }

    // One captured step per batch shape (a short last batch gets its own), each with static input and target tensors; a
    // data set of many shapes runs its further shapes eagerly rather than keeping a graph (and its memory) for each.
    private readonly List<CapturedBatchStep> _capturedSteps = [];
    private const int MaxCapturedShapes = 4;

    /// <summary>One training step, eagerly: forward, loss, backward into the zeroed gradients, optimizer update.</summary>
    private (Tensor Loss, Tensor Output) TrainStep(Tensor inputs, Tensor targets)
    {
        Tensor output = Model.Forward(inputs);
        Tensor loss = Loss.Forward(output, targets);
        Optimizer.ZeroGrad(setToNone: false); // gradients accumulate into last step's memory
        loss.Backward();
        Optimizer.Step();
        return (loss, output);
    }

    // The state copies the captured steps' checks share (one model, one optimizer).
    private StateSnapshot? _snapshot;

    private bool AllCapturesSettled()
    {
        foreach (var c in _capturedSteps)
            if (!c.Step.IsSettled) return false;
        return true;
    }

    private CapturedBatchStep CapturedStepFor(Batch batch)
    {
        foreach (var c in _capturedSteps)
            if (c.Fits(batch)) return c;
        var created = new CapturedBatchStep(this, batch);
        _capturedSteps.Add(created);
        return created;
    }

    /// <summary>The static inputs and targets of one batch shape and the graphed step that reads them.</summary>
    private sealed class CapturedBatchStep
    {
        private readonly Tensor _inputs, _targets;

        public CapturedBatchStep(Trainer trainer, Batch batch)
        {
            using (TensorScope.Suspend()) // they outlive the step
            {
                _inputs = Tensor.Zeros(batch.Inputs.ShapeArray, batch.Inputs.DType);
                _targets = Tensor.Zeros(batch.Targets.ShapeArray, batch.Targets.DType);
            }
            Step = new GraphedStep(trainer.Model, trainer.Optimizer, () =>
            {
                var (loss, output) = trainer.TrainStep(_inputs, _targets);
                return [loss, output];
            }, trainer._snapshot ??= new StateSnapshot(trainer.Model, trainer.Optimizer))
            { SkipWarmUpWhenReady = true };
        }

        public GraphedStep Step { get; }

        public bool Fits(Batch batch) =>
            batch.Inputs.DType == _inputs.DType && batch.Targets.DType == _targets.DType &&
            Shape.Equal(batch.Inputs.Shape, _inputs.Shape) && Shape.Equal(batch.Targets.Shape, _targets.Shape);

        public Tensor[] Run(Batch batch)
        {
            _inputs.CopyFrom(batch.Inputs);
            _targets.CopyFrom(batch.Targets);
            return Step.Run();
        }
    }

    /// <summary>Every epoch's logs over all calls to <see cref="Fit"/>, and those restored by <see cref="LoadCheckpoint"/>.</summary>
    public History FullHistory { get; private set; } = new();

    /// <summary>
    /// Where <see cref="Fit"/> writes a training checkpoint after every epoch (null: nowhere). The file is replaced atomically,
    /// so a run stopped at any moment leaves the checkpoint of its last finished epoch. Continue with
    /// <see cref="LoadCheckpoint"/> and <c>Fit(..., epochs, initialEpoch: EpochsCompleted)</c>.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>
    /// Random generators, beyond the thread's default and the model's dropout layers', whose states a checkpoint keeps (e.g.
    /// the generator of a data augmentation).
    /// </summary>
    public List<Generator> CheckpointGenerators { get; } = [];

    /// <summary>
    /// Writes a training checkpoint (one safetensors file, atomically): the model and optimizer state dicts, the epochs and
    /// steps done, <see cref="FullHistory"/>, the random generators' states (see <see cref="CheckpointGenerators"/>), and the
    /// states of the current (or last) <see cref="Fit"/>'s callbacks (<see cref="Callback.GetState"/>).
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        var keys = TrainingCheckpoint.CallbackKeys(_callbacks);
        var states = new Dictionary<string, CallbackState>(StringComparer.Ordinal);
        for (int i = 0; i < _callbacks.Count; i++)
            if (_callbacks[i].GetState() is { } state) states[keys[i]] = state;
        TrainingCheckpoint.Save(path, Model, Optimizer, TrainingCheckpoint.GeneratorsOf(Model, CheckpointGenerators),
            new TrainingCheckpoint.State(EpochsCompleted, GlobalStep, FullHistory, states));
    }

    // the callbacks of the current (or last) Fit, whose states a checkpoint keeps
    private List<Callback> _callbacks = [];

    // callback states read by LoadCheckpoint, given to the next Fit's callbacks of the same keys
    private IReadOnlyDictionary<string, CallbackState>? _pendingCallbackStates;

    private void RestoreCallbackStates(List<Callback> callbacks)
    {
        if (_pendingCallbackStates is not { } states) return;
        _pendingCallbackStates = null;
        var keys = TrainingCheckpoint.CallbackKeys(callbacks);
        for (int i = 0; i < callbacks.Count; i++)
            if (states.TryGetValue(keys[i], out var state))
            {
                try
                {
                    callbacks[i].SetState(state);
                }
                catch (CheckpointFormatException e)
                {
                    throw new CheckpointFormatException($"resuming {keys[i]}: {e.Message}");
                }
            }
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same model, optimizer and generators: weights,
    /// optimizer state, <see cref="EpochsCompleted"/>, <see cref="GlobalStep"/>, <see cref="FullHistory"/> and the generators'
    /// states. Then <c>Fit(train, epochs, …, initialEpoch: EpochsCompleted)</c> continues as if the run had not stopped
    /// (with the same data, seed and batch size; per-step schedules continue from <see cref="GlobalStep"/>). Callbacks that
    /// keep a state across epochs (<see cref="EarlyStopping"/>, <see cref="ReduceLROnPlateauCallback"/>, <see cref="ModelCheckpoint"/>,
    /// any with <see cref="Callback.GetState"/>) get it back in that <c>Fit</c>, matched by type and order; others start afresh.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A missing or malformed field, or a checkpoint of another model or setup.</exception>
    /// <exception cref="IO.SafeTensorsFormatException">A damaged file.</exception>
    public void LoadCheckpoint(string path)
    {
        var state = TrainingCheckpoint.Load(path, Model, Optimizer, TrainingCheckpoint.GeneratorsOf(Model, CheckpointGenerators));
        EpochsCompleted = state.EpochsCompleted;
        GlobalStep = state.GlobalStep;
        FullHistory = state.History;
        _pendingCallbackStates = state.Callbacks;
    }

    /// <summary>Why the last <see cref="Fit"/> stopped early (null when it ran all epochs).</summary>
    public string? StopReason { get; private set; }

    /// <summary>Loss and metrics over <paramref name="data"/> in evaluation mode, without gradients (the loss is a per-sample mean).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = Model.Training;
        Model.Eval();
        var metrics = Metrics;
        foreach (var m in metrics) m.Reset();
        double lossSum = 0;
        long samples = 0;
        try
        {
            using var _ = Autograd.NoGrad();
            foreach (var batch in new DataLoader(data, batchSize))
            {
                Tensor output = Model.Forward(batch.Inputs);
                int n = batch.Inputs.Shape.Length > 0 ? batch.Inputs.Shape[0] : 1;
                lossSum += Loss.Forward(output, batch.Targets).Item() * n;
                samples += n;
                foreach (var m in metrics) m.Update(output, batch.Targets);
            }
        }
        finally
        {
            Model.Train(wasTraining);
        }
        var result = new Dictionary<string, double> { ["loss"] = samples > 0 ? lossSum / samples : double.NaN };
        foreach (var m in metrics) result[m.Name] = m.Compute();
        return result;
    }

    /// <summary>The model's outputs for <paramref name="inputs"/> (first dim = samples), in evaluation mode, in batches.</summary>
    public Tensor Predict(Tensor inputs, int batchSize = 256) => Model.Predict(inputs, batchSize);
}
