// Every component spec mounts with the app's i18n plugin in English (what the specs' expected texts are written in).
import { beforeEach } from 'vitest';
import { config } from '@vue/test-utils';
import { i18n, setLocale } from '../../../renderer/src/i18n';

config.global.plugins = [...(config.global.plugins ?? []), i18n];

beforeEach(() => setLocale('en'));
