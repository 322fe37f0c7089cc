import { printHotSpots, summarizeProfiles } from './lib/cpu-profile.ts';
printHotSpots('upload', await summarizeProfiles(process.argv[2]!, 30));
