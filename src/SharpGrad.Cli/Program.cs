Console.WriteLine(SharpGrad.SharpGradInfo.Version);
