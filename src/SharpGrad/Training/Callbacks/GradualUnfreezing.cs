namespace SharpGrad.Training;

/// <summary>
/// Gradual unfreezing (Howard &amp; Ruder, 2018, ULMFiT): fine-tune a pretrained model by unfreezing it from the top down,
/// one stage every <paramref name="everyEpochs"/> epochs. Stage k (0-based) is unfrozen at the start of epoch
/// k·everyEpochs + 1; each stage is a list of name patterns as <see cref="NN.Module.Unfreeze"/> takes them. Freeze the
/// model (or its pretrained part) first and give the optimizer every parameter: frozen ones are skipped until unfrozen.
/// <code>
/// model.Freeze("backbone");
/// var unfreeze = new GradualUnfreezing(everyEpochs: 1, ["backbone.layer4"], ["backbone.layer3"], ["backbone"]);
/// trainer.Fit(train, epochs: 6, callbacks: [unfreeze]);   // epoch 1: the head and layer4, epoch 2: + layer3, epoch 3 on: all
/// </code>
/// </summary>
/// <param name="everyEpochs">Epochs between two stages.</param>
/// <param name="stages">Name patterns to unfreeze, stage by stage (the first at the first epoch).</param>
public sealed class GradualUnfreezing(int everyEpochs, params string[][] stages) : Callback
{
    /// <summary>Epochs between two stages.</summary>
    public int EveryEpochs { get; } = everyEpochs >= 1 ? everyEpochs : throw new ArgumentOutOfRangeException(nameof(everyEpochs), everyEpochs, "GradualUnfreezing: everyEpochs must be at least 1.");

    /// <summary>The stages, each a list of name patterns.</summary>
    public IReadOnlyList<string[]> Stages { get; } = stages.Length > 0 ? stages : throw new ArgumentException("GradualUnfreezing: give at least one stage.", nameof(stages));

    /// <summary>How many stages are unfrozen so far.</summary>
    public int StagesUnfrozen { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochBegin(TrainingContext context)
    {
        // a function of the epoch alone, so a resumed run unfreezes the same stages
        int due = Math.Min(Stages.Count, (context.Epoch - 1) / EveryEpochs + 1);
        for (int k = 0; k < due; k++) context.Model.Unfreeze(Stages[k]);
        StagesUnfrozen = due;
    }
}
