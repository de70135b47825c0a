import { Argument, type Command } from 'commander';
import type { CommandContext } from '../context.js';
import { describeUsage } from '../help.js';

export function register(program: Command, ctx: CommandContext): void {
  const command = program
    .command('completion')
    .description('print a shell completion script (commands, flags, targets, scenario names)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']));
  describeUsage(command, {
    outputs: ['text'],
    examples: [
      { what: 'bash, this shell (add the line to ~/.bashrc for every shell)', run: 'source <(adot completion bash)' },
      { what: 'zsh, after compinit (add the line to ~/.zshrc)', run: 'source <(adot completion zsh)' },
      { what: 'fish, for every shell', run: 'adot completion fish > ~/.config/fish/completions/adot.fish' },
    ],
  });
  command.action(
    ctx.action({ outputs: ['text'] }, async (invocation) => {
      const [{ completionModel }, { completionScript }, { TARGETS }, { sandboxScenarios }, { IDENTITY_CHOICES }] =
        await Promise.all([
          import('../completion/model.js'),
          import('../completion/scripts.js'),
          import('../../core/targets.js'),
          import('../../app/sandbox.js'),
          import('../../core/identity/mode.js'),
        ]);
      const scenarios = sandboxScenarios().map((scenario) => scenario.name);
      const model = completionModel(program, {
        '--target': TARGETS,
        '--scenario': scenarios,
        '--sandbox-scenario': scenarios,
        '--show': scenarios,
        '--identity': IDENTITY_CHOICES,
      });
      invocation.output.stdout(completionScript(invocation.args[0] as 'bash' | 'zsh' | 'fish', model));
    }),
  );
}
