// `node src/in-netns.ts <command> [args...]`: runs the command inside a network namespace of its own (see
// test-netns.ts). The package's test target is `node src/in-netns.ts tap`.
import { execInTestNetns } from './test-netns.ts';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node src/in-netns.ts <command> [args...]');
  process.exit(2);
}
try {
  await execInTestNetns(command);
} catch (error) {
  console.error(`in-netns: ${(error as Error).message}`);
  process.exit(1);
}
