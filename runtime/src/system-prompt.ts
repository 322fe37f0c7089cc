/** What the system prompt is made of. */
export interface SystemPromptParts {
  /** The host's own instructions, first. */
  instructions?: string;
  /** The catalog lines (`- name: description`); empty when no skill is installed. */
  catalog: string;
  /** Skills active from the start (a pipeline step's skill), as activate_skill would return them. */
  active: readonly string[];
  /** Whether run_skill_script is offered. */
  scripts: boolean;
}

/**
 * The system prompt of a session: the host's instructions, how skills work (progressive
 * disclosure: names and descriptions here, the body on activation, files on demand), the catalog,
 * and the bodies of skills already active.
 * @example systemPrompt({ catalog: '- pdf: Fill PDF forms.', active: [], scripts: false })
 */
export function systemPrompt(parts: SystemPromptParts): string {
  const sections: string[] = [];
  if (parts.instructions?.trim()) sections.push(parts.instructions.trim());
  if (parts.catalog) {
    const scripts = parts.scripts
      ? ' Run the scripts a skill provides with run_skill_script when its instructions say so.'
      : ' Running skill scripts is not allowed in this session; do what they would do another way, or say what is missing.';
    sections.push(
      [
        '# Skills',
        'Skills are folders of instructions for specific tasks. When a task matches a skill below,',
        'call activate_skill with its name before doing anything else, then follow the instructions',
        'it returns. Read the files a skill mentions with read_skill_file only when you need them.' + scripts,
        '',
        'Available skills:',
        parts.catalog,
      ].join('\n'),
    );
  }
  for (const content of parts.active) sections.push(`# Active skill (already activated)\n${content}`);
  return sections.join('\n\n');
}
