using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>
/// Checkpoints for the epoch-based recipes: after every epoch the trainer writes <c>checkpoint.safetensors</c> to the run's
/// output folder, and <c>--resume DIR</c> loads DIR's checkpoint and continues from its epoch, so that a stopped run ends
/// with the numbers an uninterrupted one would have.
/// </summary>
internal static class ResumableTraining
{
    /// <summary>The checkpoint's file name in a run's output folder.</summary>
    public const string FileName = "checkpoint.safetensors";

    /// <summary>
    /// Points the trainer's checkpoints at the output folder and, with <c>--resume</c>, restores the checkpoint; returns the
    /// epoch to continue after (0 for a new run). <paramref name="generators"/> are the recipe's own random generators (e.g.
    /// its augmentation's).
    /// </summary>
    /// <exception cref="FileNotFoundException">When the folder to resume from has no checkpoint.</exception>
    public static int Prepare(Trainer trainer, RecipeOptions options, int epochs, TextWriter log, params Generator[] generators)
    {
        trainer.CheckpointGenerators.AddRange(generators);
        if (options.OutputDirectory is { } output) trainer.CheckpointPath = Path.Combine(output, FileName);
        if (options.ResumeDirectory is not { } resume) return 0;
        string path = Path.Combine(resume, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"--resume {resume}: there is no {FileName} in that folder (a run writes one after each epoch to its --out folder).", path);
        trainer.LoadCheckpoint(path);
        if (trainer.EpochsCompleted > epochs)
            throw new ArgumentException($"--resume {resume}: the checkpoint has {trainer.EpochsCompleted} epochs done, more than the {epochs} asked for.");
        log.WriteLine($"resuming from {path}: {trainer.EpochsCompleted} of {epochs} epochs done, step {trainer.GlobalStep}");
        return trainer.EpochsCompleted;
    }
}
